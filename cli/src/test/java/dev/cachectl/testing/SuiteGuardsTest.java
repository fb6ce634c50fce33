package dev.cachectl.testing;

import dev.cachectl.util.Detached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** What every test gets without asking: a timeout, and the leak check of {@link NoLeftoverServers}. */
class SuiteGuardsTest {
    private static Optional<String> timeoutSeen = Optional.empty();
    private static Optional<String> autodetectionSeen = Optional.empty();
    private static volatile long leakedPid;

    @RegisterExtension
    final BeforeEachCallback settings = context -> {
        timeoutSeen = context.getConfigurationParameter("junit.jupiter.execution.timeout.default");
        autodetectionSeen = context.getConfigurationParameter("junit.jupiter.extensions.autodetection.enabled");
    };

    @Test
    void every_test_runs_under_a_default_timeout_and_the_global_leak_check() {
        assertEquals(Optional.of("3 m"), timeoutSeen.map(String::strip), "the default timeout this test runs under");
        assertEquals(Optional.of("true"), autodetectionSeen.map(String::strip),
                "extension autodetection, which registers NoLeftoverServers for every test");
    }

    @Test
    void a_test_that_leaves_its_own_redis_server_running_fails_and_the_server_is_killed() {
        assertLeakFails("leavesAChildServer");
    }

    @Test
    void a_test_that_leaves_a_detached_server_in_its_home_fails_and_the_server_is_killed() {
        assertLeakFails("leavesADetachedServer");
    }

    @Test
    void a_test_that_leaves_an_embedded_mongo_server_running_fails_and_the_server_is_killed() {
        assertLeakFails("leavesAnEmbeddedMongo", "dev.cachectl.mongo.EmbeddedMongoMain");
    }

    private static void assertLeakFails(String method) {
        assertLeakFails(method, "redis-server");
    }

    private static void assertLeakFails(String method, String shown) {
        leakedPid = 0;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectMethod(Leaks.class, method)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        assertTrue(leakedPid > 0, "the leaking test did not run: " + summary.getFailures());
        assertEquals(1, summary.getTotalFailureCount(), "the leaking test passed");
        String message = summary.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("pid " + leakedPid + ": ") && message.contains(shown), message);
        // killed by the check; a child of this JVM is gone once the JVM's reaper thread has reaped it
        assertTrue(Await.eventually(Duration.ofSeconds(10), () -> !Processes.alive(leakedPid)), "the leaked server was not killed");
    }

    /** Run only by the launcher above (surefire skips nested classes): each test leaves a server behind. */
    static class Leaks {
        @RegisterExtension
        final CachectlHome home = new CachectlHome();

        @Test
        void leavesAChildServer() throws IOException {
            Process server = new ProcessBuilder(serverCommand()).redirectErrorStream(true)
                    .redirectOutput(home.workDir().resolve("server.log").toFile()).start();
            leakedPid = server.pid();
        }

        @Test
        void leavesADetachedServer() throws IOException {
            Path dir = Files.createDirectories(home.root().resolve("stray"));
            leakedPid = Detached.start(serverCommand(), dir.resolve("server.log"), dir, Map.of());
            // alive is not enough: until setsid has exec'd, the process is not yet a redis-server
            Await.until(Duration.ofSeconds(10), "the detached server never started", () -> isRedisServer(leakedPid));
        }

        @Test
        void leavesAnEmbeddedMongo() throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process server = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    "dev.cachectl.mongo.EmbeddedMongoMain", "--port", Integer.toString(Processes.freePort()))
                    .redirectErrorStream(true).redirectOutput(home.workDir().resolve("server.log").toFile()).start();
            leakedPid = server.pid();
        }

        private static boolean isRedisServer(long pid) {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).startsWith("redis-server");
            } catch (IOException e) {
                return false;
            }
        }

        private static List<String> serverCommand() {
            return List.of("redis-server", "--port", Integer.toString(Processes.freePort()), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no");
        }
    }
}
