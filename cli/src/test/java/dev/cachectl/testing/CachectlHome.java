package dev.cachectl.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A temporary cachectl home for one test, and the way tests run commands: through the front door,
 * with captured stdout/stderr and an environment of the test's choosing. After each test it stops
 * every instance the home still knows, kills any survivor (every node of a cluster), and deletes the
 * home (which also makes an idle supervisor exit); {@link NoLeftoverServers} then checks that nothing
 * the test started still runs.
 */
public final class CachectlHome implements BeforeEachCallback, AfterEachCallback {
    private Path root;
    private Path workDir;
    private final Map<String, String> env = new HashMap<>();
    /** cachectl processes a test launched ({@link CachectlProcess}): ended with the test, even one that failed midway. */
    private final List<Process> launched = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("cachectl-home-");
        workDir = Files.createTempDirectory("cachectl-work-");
        NoLeftoverServers.watch(root);
        NoLeftoverServers.watch(workDir);
        env.clear();
        env.putAll(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("MONGODB_") || k.startsWith("CACHECTL_")
                || k.equals("NO_COLOR") || k.equals("DOCKER_ENV"));
        env.put("CACHECTL_HOME", root.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // first: a run a failed test left going could start, move or stop servers while the home is emptied
        for (Process p : launched) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        launched.clear();
        run("stop", "--all", "--timeout", "5s");
        for (long pid : recordedPids()) {
            // only servers: a test may have planted a stranger's pid in a state file on purpose
            ProcessHandle.of(pid)
                    .filter(p -> p.info().command().orElse("").contains("redis")
                            || String.join(" ", p.info().arguments().orElse(new String[0])).contains("dev.cachectl.mongo.EmbeddedMongoMain"))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        deleteTree(root);
        deleteTree(workDir);
    }

    /** Opens a home shared by a test class: call in {@code @BeforeAll}, and {@link #close()} in {@code @AfterAll}. */
    public CachectlHome open() throws IOException {
        beforeEach(null);
        return this;
    }

    /** Stops what a shared home still runs and deletes it (as after each test). */
    public void close() {
        afterEach(null);
    }

    /** Records a cachectl process of this test's, to be ended after it. */
    void launched(Process process) {
        launched.add(process);
    }

    public Path root() {
        return root;
    }

    /** The working directory commands run in (where a cachectl.yaml would be found). */
    public Path workDir() {
        return workDir;
    }

    public Map<String, String> env() {
        return env;
    }

    public CliResult run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /** A command whose stdin holds {@code input} (the other end of a pipe, {@code warm -}). */
    public CliResult runWithInput(byte[] input, String... args) {
        return runWithInput(new ByteArrayInputStream(input), args);
    }

    /** A command whose stdin is {@code input}: one that does something when first read, say. */
    public CliResult runWithInput(java.io.InputStream input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cachectl.run(new PrintWriter(out), new PrintWriter(err), new Environment(Map.copyOf(env), workDir, input), args);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** The folder of a managed instance inside the home. */
    public Path instanceDir(String name) {
        return root.resolve("instances").resolve(name);
    }

    /**
     * The checkpoint a migrate keeps under {@code HOME/migrate/} (the first file whose name starts with {@code prefix}
     * and ends with {@code .json}, not its {@code .lock} or the lists next to it), or null when there is none.
     */
    public Path migrateCheckpoint(String prefix) {
        Path dir = root.resolve("migrate");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".json");
            }).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the home has a state file for {@code name}. */
    public boolean hasState(String name) {
        return Files.isRegularFile(instanceDir(name).resolve("state.json"));
    }

    /** The state file of a managed instance, as JSON. */
    public JsonNode state(String name) {
        try {
            return Json.MAPPER.readTree(instanceDir(name).resolve("state.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port(String name) {
        return state(name).get("port").asInt();
    }

    public long pid(String name) {
        return state(name).get("pid").asLong();
    }

    private List<Long> recordedPids() {
        Path instances = root.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(instances)) {
            return dirs.map(d -> d.resolve("state.json")).filter(Files::isRegularFile).flatMap(f -> {
                try {
                    JsonNode state = Json.MAPPER.readTree(f.toFile());
                    List<Long> pids = new java.util.ArrayList<>(List.of(state.path("pid").asLong()));
                    // a cluster records every node's process
                    state.path("nodes").forEach(node -> pids.add(node.path("pid").asLong()));
                    return pids.stream();
                } catch (IOException e) {
                    return Stream.<Long>empty();
                }
            }).filter(p -> p > 0).distinct().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code count} string keys {@code k:0}… into the managed instance {@code name} (a dataset to copy). */
    public void fill(String name, int count) {
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", port(name))) {
            var pipeline = jedis.pipelined();
            for (int i = 0; i < count; i++) {
                pipeline.set("k:" + i, "v" + i);
            }
            pipeline.sync();
        }
    }
}
