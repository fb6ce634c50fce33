package dev.cachectl.cli;

import dev.cachectl.testing.NoLeftoverServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release, cli/target/cachectl-VERSION.tar.gz (built by {@code mvn package}; failsafe runs this in
 * {@code mvn verify}), unpacked into a temporary folder and run from there the way the README installs
 * it: through a symlink, from a working directory outside the checkout, with a PATH that has no
 * checkout and no Maven on it.
 */
class ReleaseTarballIT {
    private Path tmp;
    private Path installed;
    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("cachectl.release", "target/cachectl.tar.gz"));
        assertTrue(Files.isRegularFile(tarball), "no release tarball at " + tarball + ": run 'mvn package' first");
        tmp = Files.createTempDirectory("cachectl-release-");
        NoLeftoverServers.watch(tmp);
        installInto("opt");
        home = tmp.resolve("home");
    }

    /** Unpacks the tarball into {@code folder} of the temporary folder, with bin/cachectl a symlink to its launcher. */
    private void installInto(String folder) throws Exception {
        Path tarball = Path.of(System.getProperty("cachectl.release", "target/cachectl.tar.gz"));
        Path opt = Files.createDirectories(tmp.resolve(folder));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", opt.toString())
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS), "tar did not finish");
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
        try (Stream<Path> dirs = Files.list(opt)) {
            List<Path> top = dirs.toList();
            assertEquals(1, top.size(), "one folder at the top of the tarball: " + top);
            installed = top.get(0);
        }
        assertTrue(installed.getFileName().toString().startsWith("cachectl-"), installed.toString());
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.deleteIfExists(bin.resolve("cachectl"));
        Files.createSymbolicLink(bin.resolve("cachectl"), installed.resolve("bin/cachectl"));
    }

    @AfterEach
    void stopAndRemove() throws Exception {
        if (installed != null) {
            cachectl("stop", "--all", "--timeout", "5s");
        }
        try (Stream<Path> walk = Files.walk(tmp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void the_unpacked_release_runs_version_start_status_and_stop_without_a_checkout_from_its_archive() throws Exception {
        for (String file : List.of("lib/cachectl.jar", "lib/cachectl.classlist", "lib/classlists/status.classlist",
                "lib/classlists/warm.classlist", "completions/cachectl.bash",
                "completions/cachectl.zsh", "man/man1/cachectl.1", "man/man1/cachectl-start.1", "man/man1/cachectl-status.1",
                "man/man1/cachectl-stop.1", "man/man1/cachectl-warm.1")) {
            assertTrue(Files.isRegularFile(installed.resolve(file)), "the release has " + file);
        }
        assertTrue(Files.isExecutable(installed.resolve("bin/cachectl")), "bin/cachectl is executable");
        assertTrue(Files.readString(installed.resolve("man/man1/cachectl-start.1")).contains(".TH \"CACHECTL\\-START\" \"1\""),
                "man pages are troff");

        Result version = cachectl("--version");
        assertEquals(0, version.code, version.toString());
        assertTrue(version.out.matches("cachectl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.toString());
        assertEquals("", version.err, "the first run dumps the class-data archive without a word: " + version);
        assertTrue(Files.isRegularFile(installed.resolve("lib/cachectl.jsa")), "the first run made lib/cachectl.jsa");

        // the next runs take cachectl's classes from that archive
        Path log = tmp.resolve("classes.log");
        Result loading = cachectl(List.of("CACHECTL_JAVA_OPTS=-Xlog:class+load:file=" + log), "status");
        assertEquals(0, loading.code, loading.toString());
        assertTrue(Files.isRegularFile(installed.resolve("lib/cachectl-status.jsa")),
                "status, which the build trained, made an archive of its own classes: lib/cachectl-status.jsa");
        List<String> loaded = Files.readAllLines(log);
        List<String> ours = loaded.stream().filter(l -> l.contains(" dev.cachectl.")).toList();
        List<String> fromJar = loaded.stream().filter(l -> !l.contains("source: shared objects file")).toList();
        for (String name : List.of("dev.cachectl.Cachectl", "dev.cachectl.cli.StatusCommand", "picocli.CommandLine")) {
            assertTrue(loaded.stream().anyMatch(l -> l.contains(" " + name + " source: shared objects file")),
                    name + " comes from lib/cachectl-status.jsa:\n" + String.join("\n", fromJar));
        }
        // what stays out: lambdas, annotation proxies and JDK classes the archive lacks; nothing is read
        // from the jar itself (picocli's Java 5 classes are rewritten as Java 8 ones by the build, so the
        // archive holds them too: cli/OldClassUpgrade)
        assertTrue(fromJar.size() * 10 < loaded.size(), fromJar.size() + " of " + loaded.size()
                + " classes were loaded from the jar, not the archive:\n" + String.join("\n", fromJar));
        List<String> jarFiles = loaded.stream().filter(l -> l.contains("source: file:")).toList();
        assertTrue(jarFiles.isEmpty(), "classes read from the jar, not the archive:\n" + String.join("\n", jarFiles));
        assertTrue(ours.size() > 20, "status loaded cachectl's classes: " + ours.size());

        Result start = cachectl("start", "demo", "--port", "auto");
        assertEquals(0, start.code, start.toString());
        assertTrue(start.out.matches("redis://127\\.0\\.0\\.1:\\d+\n"), start.toString());
        Result status = cachectl("status", "demo");
        assertEquals(0, status.code, status.toString());
        assertTrue(status.out.contains("demo"), status.toString());
        // warm, whose JVM start counts in its speed against redis-cli --pipe, maps an archive of its own classes
        Files.writeString(tmp.resolve("records.jsonl"), "{\"id\":1,\"value\":\"a\"}\n{\"id\":2,\"value\":\"b\"}\n");
        Path warmLog = tmp.resolve("warm-classes.log");
        Result warm = cachectl(List.of("CACHECTL_JAVA_OPTS=-Xlog:class+load:file=" + warmLog), "warm", "records.jsonl",
                "--to", "demo", "--key", "item:{id}", "--value", "value", "--progress", "none");
        assertEquals(0, warm.code, warm.toString());
        assertTrue(Files.isRegularFile(installed.resolve("lib/cachectl-warm.jsa")), "warm has an archive of its own classes");
        List<String> warmFromJar = Files.readAllLines(warmLog).stream().filter(l -> l.contains("source: file:")).toList();
        assertTrue(warmFromJar.isEmpty(), "warm read classes from the jar, not the archive:\n" + String.join("\n", warmFromJar));
        Result stop = cachectl("stop", "demo");
        assertEquals(0, stop.code, stop.toString());
    }

    @Test
    void an_installation_under_a_folder_with_a_space_takes_its_classes_from_the_archive_all_the_same() throws Exception {
        installInto("my apps");
        assertEquals(0, cachectl("--version").code);
        Path log = tmp.resolve("classes.log");
        Result status = cachectl(List.of("CACHECTL_JAVA_OPTS=-Xlog:class+load:file=" + log), "status");
        assertEquals(0, status.code, status.toString());
        List<String> loaded = Files.readAllLines(log);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.cachectl.cli.StatusCommand source: shared objects file")),
                "StatusCommand comes from the archive");
        List<String> jarFiles = loaded.stream().filter(l -> l.contains("source: file:")).toList();
        assertTrue(jarFiles.isEmpty(), "classes read from the jar, not the archive:\n" + String.join("\n", jarFiles));
    }

    private record Result(int code, String out, String err) {
    }

    private Result cachectl(String... args) throws Exception {
        return cachectl(List.of(), args);
    }

    private Result cachectl(List<String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tmp.resolve("bin/cachectl").toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("CACHECTL_") || k.startsWith("REDIS_") || k.equals("NO_COLOR"));
        // the system's tools only (tar, redis-server): nothing of the checkout, and a java from JAVA_HOME
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CACHECTL_HOME", home.toString());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        for (String assignment : extraEnv) {
            int eq = assignment.indexOf('=');
            pb.environment().put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cachectl " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
