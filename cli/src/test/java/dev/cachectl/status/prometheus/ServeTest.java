package dev.cachectl.status.prometheus;

import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeTest {
    private static final Pattern SERVING = Pattern.compile("serving metrics at (http://127\\.0\\.0\\.1:[0-9]+)/metrics");

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void serve_answers_metrics_refuses_other_paths_and_stops_on_sigterm() throws Exception {
        home.run("start", "cache").assertOk();
        // a long interval: every scrape during the test gets the one sample
        CachectlProcess server = CachectlProcess.launch(home, "serve.log", "status", "cache", "--serve", "127.0.0.1:0",
                "--interval", "10m");
        try {
            Await.until(Duration.ofSeconds(30), server::log, () -> SERVING.matcher(server.log()).find());
            Matcher m = SERVING.matcher(server.log());
            assertTrue(m.find());
            String base = m.group(1);
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> metrics = get(http, base + "/metrics");
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            Map<String, Double> samples = ExpositionFormat.parse(metrics.body());
            assertEquals(1.0, samples.get("redis_up{instance=cache}"), metrics.body());
            // sampled at most once per interval: a new sample would count our INFO among the commands processed
            assertEquals(metrics.body(), get(http, base + "/metrics").body());

            assertEquals(404, get(http, base + "/").statusCode());
            assertEquals(404, get(http, base + "/metrics/more").statusCode());

            server.signal("-TERM", false);
            assertEquals(0, server.exitWithin(Duration.ofSeconds(20)), server.log());
        } finally {
            server.process().destroyForcibly();
        }
    }

    @Test
    void serve_refuses_every_interface_unless_written_out_and_options_it_cannot_honour() {
        String err = home.run("status", "--serve", ":9121").assertExit(2).err();
        assertTrue(err.contains("0.0.0.0:9121"), err);
        home.run("status", "--serve", "127.0.0.1:0", "--prometheus").assertExit(2);
        home.run("status", "--watch", "--prometheus-file", "x.prom").assertExit(2);
        home.run("status", "--watch", "--serve", "127.0.0.1:0").assertExit(2);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
