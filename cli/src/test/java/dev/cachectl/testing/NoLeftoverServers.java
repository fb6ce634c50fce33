package dev.cachectl.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The leak check, for every test (registered through META-INF/services): a redis-server or an idle
 * supervisor that a test started and that is still alive after it (after its own clean-up and
 * {@link CachectlHome}'s) fails that test, and is killed so it does not outlive the suite.
 *
 * <p>Processes are told apart by pid and start time (in clock ticks, from /proc), so a reused pid
 * still counts as new. A test's processes are the ones this JVM started (its descendants) and the
 * ones working in a folder registered with {@link #watch} (every CachectlHome's home and work dir):
 * servers are launched detached, and other JVMs on the machine run tests of their own. A server that
 * several tests share belongs in {@code @BeforeAll}: started there, it is running before each test.
 */
public final class NoLeftoverServers implements BeforeEachCallback, AfterEachCallback {
    /** An idle supervisor exits by itself once its home is gone, within about a second (a busy one may take longer). */
    private static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(15);
    /** A server stopped (or killed) by the test's clean-up may take a moment to go. */
    private static final Duration SERVER_GRACE = Duration.ofSeconds(3);
    private static final String EMBEDDED_MONGO = "dev.cachectl.mongo.EmbeddedMongoMain";
    /** How /proc shows the working folder of a process after that folder was deleted. */
    private static final String DELETED = " (deleted)";
    private static final Set<String> WATCHED_DIRS = ConcurrentHashMap.newKeySet();
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeftoverServers.class);

    /** A watched process: its pid and start time (clock ticks since boot) together name it. */
    private record Seen(long pid, String started, boolean supervisor) {
    }

    /** Processes working inside {@code dir} (or a folder under it) belong to the tests of this JVM. */
    public static void watch(Path dir) {
        WATCHED_DIRS.add(dir.toAbsolutePath() + "/");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", running());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Set<Seen> before = context.getStore(NS).get("before", Set.class);
        long start = System.nanoTime();
        List<Seen> left = new ArrayList<>();
        Await.eventually(SUPERVISOR_GRACE, () -> {
            left.clear();
            left.addAll(startedSince(before));
            boolean serversHadTheirTime = System.nanoTime() - start > SERVER_GRACE.toNanos();
            return left.isEmpty() || serversHadTheirTime && left.stream().noneMatch(Seen::supervisor);
        });
        if (left.isEmpty()) {
            return;
        }
        List<String> shown = left.stream().map(p -> "pid " + p.pid() + ": " + commandLine(p.pid())).toList();
        left.forEach(p -> signal(p, false));
        Await.eventually(Duration.ofSeconds(2), () -> left.stream().noneMatch(NoLeftoverServers::alive));
        left.forEach(p -> signal(p, true));
        fail(left.size() + " process(es) started by this test still ran after it (now killed):\n  "
                + String.join("\n  ", shown));
    }

    /** The watched processes running now. */
    private static Set<Seen> running() {
        Set<Seen> found = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).forEach(pid -> {
                        Seen seen = seen(pid);
                        if (seen != null) {
                            found.add(seen);
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    private static List<Seen> startedSince(Set<Seen> before) {
        Set<Long> descendants = new HashSet<>();
        ProcessHandle.current().descendants().forEach(p -> descendants.add(p.pid()));
        return running().stream().filter(p -> !before.contains(p))
                .filter(p -> descendants.contains(p.pid()) || inWatchedDir(p.pid())).toList();
    }

    /**
     * A redis-server (the bundled one is redis-server-VERSION-PLATFORM), an embedded mongo server (a JVM
     * running dev.cachectl.mongo.EmbeddedMongoMain) or cachectl's idle supervisor, alive; null for anything
     * else, and for a zombie (dead, only not yet reaped).
     */
    private static Seen seen(long pid) {
        String comm = read(pid, "comm").trim();
        boolean supervisor = comm.equals("java") && commandLine(pid).matches(".*dev\\.cachectl\\.Cachectl .* supervise\\b.*");
        boolean embeddedMongo = comm.equals("java") && commandLine(pid).contains(EMBEDDED_MONGO);
        if (!supervisor && !embeddedMongo && !comm.startsWith("redis-server")) {
            return null;
        }
        String stat = read(pid, "stat");
        int afterComm = stat.lastIndexOf(") ");
        String[] fields = afterComm < 0 ? new String[0] : stat.substring(afterComm + 2).trim().split(" ");
        if (fields.length < 20 || fields[0].equals("Z")) {
            return null;
        }
        return new Seen(pid, fields[19], supervisor); // field 22 of /proc/PID/stat: the start time
    }

    private static boolean inWatchedDir(long pid) {
        try {
            String cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString();
            // a process whose working folder was deleted (a supervisor outliving its test's home) shows it so
            cwd = (cwd.endsWith(DELETED) ? cwd.substring(0, cwd.length() - DELETED.length()) : cwd) + "/";
            return WATCHED_DIRS.stream().anyMatch(cwd::startsWith);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static boolean alive(Seen p) {
        return p.equals(seen(p.pid()));
    }

    /** Signals the process only while it is still the one we saw (same start time). */
    private static void signal(Seen p, boolean kill) {
        if (alive(p)) {
            ProcessHandle.of(p.pid()).ifPresent(kill ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
        }
    }

    private static String commandLine(long pid) {
        return read(pid, "cmdline").replace('\0', ' ').trim();
    }

    private static String read(long pid, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), file)), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
