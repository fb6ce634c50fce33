package dev.cachectl.status.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code status --serve}: serves {@code /metrics} to a Prometheus scraper and 404 for any other path.
 * Scrapes closer together than {@code minInterval} get the last sample again, so a busy scraper
 * does not add load to the servers.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final Supplier<String> sampler;
    private final long minIntervalNanos;
    private String last;
    private long lastAt;

    private MetricsServer(HttpServer server, Supplier<String> sampler, Duration minInterval) {
        this.server = server;
        this.sampler = sampler;
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** Listening on {@code address} until {@link #close()}; {@code sampler} renders the exposition text. */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> sampler, Duration minInterval) {
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new CachectlException(ExitCode.FAILED, "cannot serve metrics on " + address.getHostString() + ":"
                    + address.getPort() + ": " + (e.getMessage() == null ? "the address is not available" : e.getMessage()));
        }
        MetricsServer metrics = new MetricsServer(http, sampler, minInterval);
        http.createContext("/", metrics::handle);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return metrics;
    }

    /** The address it listens on (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Where {@code --serve [HOST:]PORT} listens: 127.0.0.1 when no host is given; a host name must resolve to
     * loopback, and any other address must be written out as an IP address, so that metrics are exposed
     * beyond this machine only when asked for in so many words.
     */
    public static InetSocketAddress bindAddress(String spec) {
        int colon = spec.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : spec.substring(0, colon);
        String portText = colon < 0 ? spec : spec.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new CachectlException(ExitCode.USAGE, "--serve '" + spec + "': expected [HOST:]PORT, e.g. 127.0.0.1:9121");
        }
        if (host.isEmpty()) {
            throw new CachectlException(ExitCode.USAGE, "--serve '" + spec + "' would listen on every interface; write 0.0.0.0:"
                    + port + " if that is what you mean, or 127.0.0.1:" + port + " for this machine only");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CachectlException(ExitCode.USAGE, "--serve '" + spec + "': unknown host " + host);
        }
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        if (!address.isLoopbackAddress() && !literal) {
            throw new CachectlException(ExitCode.USAGE, "--serve '" + spec + "': " + host + " is " + address.getHostAddress()
                    + ", not loopback; metrics are served beyond this machine only on an address written out, e.g. --serve "
                    + address.getHostAddress() + ":" + port);
        }
        return new InetSocketAddress(address, port);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!"/metrics".equals(path)) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n", method);
            } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", method);
            } else {
                reply(exchange, 200, PrometheusFormat.CONTENT_TYPE, body(), method);
            }
        }
    }

    private synchronized String body() {
        long now = System.nanoTime();
        if (last == null || now - lastAt >= minIntervalNanos) {
            last = sampler.get();
            lastAt = System.nanoTime();
        }
        return last;
    }

    private static void reply(HttpExchange exchange, int code, String type, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(method);
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
