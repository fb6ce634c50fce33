package dev.cachectl.cli;

import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/cachectl, the launcher, in a copy of the repository whose {@code mvn} is a stand-in: it
 * records how it was called and talks like Debian's Maven 3.8 (colour resets included), so the
 * launcher's build step is checked in a second, not in the minute a real build takes. The jar it
 * "builds" is a manifest-only jar pointing at this JVM's class path.
 */
class LauncherTest {
    private static final String FAKE_MVN = """
            #!/bin/bash
            { printf '%s\\n' "$*"; printf 'MAVEN_OPTS=%s\\n' "$MAVEN_OPTS"; } >"$FAKE_MVN_RECORD"
            printf '\\e[0m\\e[0m[INFO] Scanning for projects...\\n'
            printf 'Downloaded from central: https://repo.maven.apache.org/maven2/x/x.jar (1 kB at 1 MB/s)\\n'
            printf '[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ cachectl ---\\n'
            if [[ -n $FAKE_MVN_FAILS ]]; then
                printf '[ERROR] /src/Main.java:[3,1] class, interface, enum, or record expected\\n'
                printf '[INFO] \\e[1;31mBUILD FAILURE\\e[m\\n\\e[0m\\e[0m'
                exit 1
            fi
            printf '[INFO] --- maven-shade-plugin:3.6.0:shade (default) @ cachectl ---\\n'
            printf '[INFO] \\e[1;32mBUILD SUCCESS\\e[m\\n'
            mkdir -p cli/target && cp "$FAKE_JAR" cli/target/cachectl.jar
            printf '\\e[0m\\e[0m' >&2
            """;

    private Path tmp;
    private Path copy;
    private Path record;

    @BeforeEach
    void copyTheLauncher() throws IOException {
        tmp = Files.createTempDirectory("cachectl-launcher-");
        copyTheLauncherTo(tmp);
    }

    /** The launcher, the sources it watches and a stand-in mvn in {@code copy}, the checkout's root. */
    private void copyTheLauncherTo(Path copy) throws IOException {
        this.copy = copy;
        Files.createDirectories(copy.resolve("scripts"));
        Files.copy(Repo.root().resolve("scripts/cachectl"), copy.resolve("scripts/cachectl"));
        Files.createDirectories(copy.resolve("cli/src/dist/bin"));
        Files.copy(Repo.root().resolve("cli/src/dist/bin/cachectl"), copy.resolve("cli/src/dist/bin/cachectl"));
        Files.createDirectories(copy.resolve("cli/src/main"));
        for (String source : new String[] {"pom.xml", "cli/pom.xml", "cli/src/main/Main.java"}) {
            Files.writeString(copy.resolve(source), "");
            Files.setLastModifiedTime(copy.resolve(source), FileTime.from(Instant.now().minusSeconds(3600)));
        }
        Files.createDirectories(copy.resolve("bin"));
        Files.writeString(copy.resolve("bin/mvn"), FAKE_MVN);
        Files.setPosixFilePermissions(copy.resolve("bin/mvn"), PosixFilePermissions.fromString("rwx------"));
        writeManifestJar(copy.resolve("fake.jar"));
        record = copy.resolve("mvn-called-with");
    }

    @AfterEach
    void removeTheCopy() throws IOException {
        try (Stream<Path> walk = Files.walk(tmp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void a_first_run_shows_the_build_on_one_line_without_escapes_and_the_next_run_builds_nothing() throws Exception {
        Result first = launch(false, "--version").assertEnded(0, "cachectl dev\n");
        assertTrue(first.err.matches("cachectl: building cli/target/cachectl\\.jar \\(first run, or sources changed\\):"
                + " \\. compile shade done in \\d+ s\n"), first.toString());
        String called = Files.readString(record);
        assertTrue(called.startsWith("-B ") && called.contains(" -Dstyle.color=never ") && called.contains(" package\n"), called);
        assertTrue(called.contains("MAVEN_OPTS= -Djansi.noreset=true"), called);
        assertTrue(Files.readString(copy.resolve("cli/target/build.log")).contains("BUILD SUCCESS"));

        Files.delete(record);
        Result second = launch(false, "--version").assertEnded(0, "cachectl dev\n");
        assertEquals("", second.err, "the jar is up to date: nothing but the answer");
        assertFalse(Files.exists(record), "built again although nothing changed");
    }

    @Test
    void a_failed_build_shows_what_maven_said_and_where_its_whole_output_is() throws Exception {
        Result r = launch(true, "--version").assertEnded(1, "");
        assertTrue(r.err.startsWith("cachectl: building cli/target/cachectl.jar (first run, or sources changed): . compile failed\n"),
                r.toString());
        assertTrue(r.err.contains("[ERROR] /src/Main.java:[3,1] class, interface, enum, or record expected\n"), r.toString());
        assertFalse(r.err.contains("[INFO]"), r.toString());
        assertTrue(r.err.endsWith("cachectl: build failed; Maven's whole output is in "
                + copy.resolve("cli/target/build.log").toRealPath() + "\n"), r.toString());
    }

    @Test
    void the_jvm_runs_the_main_class_by_name_with_the_flags_the_lifecycle_benchmark_gives_its_hello_world() throws Exception {
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        List<String> args = launch(false, javaThatEchoes(), "--version").out.lines().toList();

        String jar = copy.resolve("cli/target/cachectl.jar").toString();
        int cp = args.indexOf("-cp");
        assertTrue(cp >= 0 && args.get(cp + 1).endsWith(jar.substring(jar.indexOf("/cli/target/")))
                && args.get(cp + 2).equals("dev.cachectl.Cachectl") && args.get(cp + 3).equals("--version"), args.toString());
        assertFalse(args.contains("-jar"), "no -jar: the JVM would read the manifest first: " + args);
        // stderr here is a file: the launcher says so (bash's -t 2), progress and errors then have no escapes
        assertTrue(args.contains("-Dcachectl.stderr.terminal=false") && args.indexOf("-Dcachectl.stderr.terminal=false") < cp,
                "the launcher tells whether stderr is a terminal: " + args);
        // what scripts/bench/lifecycle compares cachectl's start with: a hello-world with the same flags
        String bench = Files.readString(Repo.root().resolve("scripts/bench/lifecycle"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)\nhello_flags=\\((.*?)\\)\n").matcher(bench);
        assertTrue(m.find(), "scripts/bench/lifecycle sets hello_flags");
        List<String> flags = Stream.of(m.group(1).trim().split("\\s+")).map(f -> f.replace("'", "")).toList();
        assertEquals(flags, args.subList(0, flags.size()), "the launcher's JVM flags, in the benchmark's order");
        // huge pages for the heap exactly where the kernel gives them on request (else the JVM would warn)
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String mode = Files.isReadable(thp) ? Files.readString(thp) : "";
        assertEquals(mode.contains("[always]") || mode.contains("[madvise]"), args.contains("-XX:+UseTransparentHugePages"),
                mode + " " + args);
        assertTrue(bench.contains("hello_flags+=(-XX:+UseTransparentHugePages)"), "the benchmark's hello-world gets them too");
    }

    @Test
    void warm_compiles_its_record_path_sooner_than_a_short_command_and_the_user_has_the_last_word() throws Exception {
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        Map<String, String> env = javaThatEchoes();
        String sooner = "-XX:CompileThresholdScaling=0.1";

        List<String> warm = launch(false, env, "--progress", "none", "warm", "x.jsonl", "--to", "t").out.lines().toList();
        assertTrue(warm.contains(sooner) && warm.indexOf(sooner) < warm.indexOf("-cp"), warm.toString());
        assertTrue(warm.contains("-XX:CICompilerCount=1") && warm.indexOf("-XX:CICompilerCount=1") < warm.indexOf("-cp"),
                "one compiler thread: " + warm);
        for (String command : List.of("status", "start", "migrate")) {
            List<String> args = launch(false, env, command).out.lines().toList();
            assertFalse(args.contains(sooner) || args.contains("-XX:CICompilerCount=1"), command + ": " + args);
        }
        // CACHECTL_JAVA_OPTS come after the launcher's flags, so the JVM takes the user's value
        Map<String, String> userOpts = new java.util.HashMap<>(env);
        userOpts.put("CACHECTL_JAVA_OPTS", "-XX:CompileThresholdScaling=1");
        List<String> own = launch(false, userOpts, "warm", "x.jsonl").out.lines().toList();
        assertTrue(own.lastIndexOf("-XX:CompileThresholdScaling=1") > own.indexOf(sooner), own.toString());
    }

    @Test
    void a_jvm_log_the_user_asks_for_without_an_output_goes_to_stderr_and_one_with_an_output_stays_as_written() throws Exception {
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        Result gc = launch(false, Map.of("CACHECTL_JAVA_OPTS", "-Xlog:gc"), "--version").assertEnded(0, "cachectl dev\n");
        assertTrue(gc.err.contains("[info][gc] Using Serial"), gc.toString());
        launch(false, Map.of("CACHECTL_JAVA_OPTS", "-Xlog"), "--version").assertEnded(0, "cachectl dev\n");

        // a java that prints how it was called
        Path jdk = Files.createDirectories(copy.resolve("jdk/bin"));
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        Map<String, String> rewritten = new java.util.LinkedHashMap<>();
        rewritten.put("-Xlog", "-Xlog::stderr");
        rewritten.put("-Xlog:gc", "-Xlog:gc:stderr");
        rewritten.put("-Xlog:gc*=debug", "-Xlog:gc*=debug:stderr");
        rewritten.put("-Xlog:gc:", "-Xlog:gc:stderr");
        rewritten.put("-Xlog:gc::uptime,tags", "-Xlog:gc:stderr:uptime,tags");
        for (String kept : List.of("-Xlog:gc:stdout", "-Xlog:gc:file=gc.log", "-Xlog:gc*:file=gc.log:time:filecount=2", "-Xlog:gc:#0",
                "-Xlog:disable", "-Xlog:help", "-Xlog:async")) {
            rewritten.put(kept, kept);
        }
        for (Map.Entry<String, String> opt : rewritten.entrySet()) {
            List<String> args = launch(false, Map.of("JAVA_HOME", copy.resolve("jdk").toString(),
                    "CACHECTL_JAVA_OPTS", "-Xss1m " + opt.getKey()), "status").out.lines().toList();
            int cp = args.indexOf("-cp");
            assertEquals(List.of("-Xss1m", opt.getValue()), args.subList(cp - 2, cp), opt.getKey() + ": " + args);
        }
    }

    @Test
    void a_command_the_build_trained_maps_an_archive_of_its_own_classes_and_any_other_the_archive_of_all() throws Exception {
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        Path target = copy.resolve("cli/target");
        Files.writeString(target.resolve("cachectl.classlist"), "java/lang/Object\n");
        Files.createDirectories(target.resolve("classlists"));
        Files.writeString(target.resolve("classlists/status.classlist"), "java/lang/Object\n");
        // a java that "dumps" an archive (makes the file, and notes the class list) and otherwise prints how it was called
        Path jdk = Files.createDirectories(copy.resolve("jdk/bin"));
        Path dumps = copy.resolve("dumps");
        Files.writeString(jdk.resolve("java"), """
                #!/bin/bash
                for a in "$@"; do
                    case $a in -XX:SharedArchiveFile=*) archive=${a#*=} ;; -XX:SharedClassListFile=*) list=${a#*=} ;; esac
                done
                if [[ " $* " == *" -Xshare:dump "* ]]; then printf '%s\\n' "${list##*/}" >>"$DUMPS"; : >"$archive"; exit 0; fi
                printf '%s\\n' "$@"
                """);
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("JAVA_HOME", copy.resolve("jdk").toString(), "DUMPS", dumps.toString());

        Map<List<String>, String> archiveOf = new java.util.LinkedHashMap<>();
        archiveOf.put(List.of("status"), "cachectl-status.jsa");
        archiveOf.put(List.of("--home", "status", "--progress", "none", "status", "--json"), "cachectl-status.jsa");
        archiveOf.put(List.of("--config", "status", "completion"), "cachectl.jsa");
        archiveOf.put(List.of("--version"), "cachectl.jsa");
        archiveOf.put(List.of("--", "status"), "cachectl.jsa");
        for (Map.Entry<List<String>, String> run : archiveOf.entrySet()) {
            List<String> args = launch(false, env, run.getKey().toArray(String[]::new)).out.lines().toList();
            assertEquals(List.of("cli/target/" + run.getValue()), args.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile="))
                    .map(a -> a.substring(a.indexOf("cli/target/"))).toList(), run.getKey() + ": " + args);
            assertTrue(args.subList(args.indexOf("dev.cachectl.Cachectl") + 1, args.size()).equals(run.getKey()), args.toString());
        }
        // each archive dumped once, from its own list, and not again while the jar and java are those it was made for
        assertEquals(List.of("status.classlist", "cachectl.classlist"), Files.readAllLines(dumps));

        // an older jar installed over the one the archive was made for (the JVM would refuse the archive): dumped again
        Path jar = target.resolve("cachectl.jar");
        Files.setLastModifiedTime(copy.resolve("cli/src/main"), FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(1800))); // still newer than the sources
        String builds = Files.readString(record);
        launch(false, env, "status");
        launch(false, env, "status");
        assertEquals(builds, Files.readString(record), "no rebuild: the jar is newer than its sources");
        assertEquals(List.of("status.classlist", "cachectl.classlist", "status.classlist"), Files.readAllLines(dumps),
                "the older jar's first run dumps, its second maps what it dumped");
        Files.writeString(dumps, "status.classlist\ncachectl.classlist\n");

        // another JDK (JAVA_HOME changed), however old its binary: it dumps an archive of its own, once
        Path other = Files.createDirectories(copy.resolve("jdk-other/bin"));
        Files.copy(jdk.resolve("java"), other.resolve("java"));
        Files.setLastModifiedTime(other.resolve("java"), FileTime.from(Instant.now().minusSeconds(86_400 * 365)));
        Map<String, String> otherEnv = Map.of("JAVA_HOME", copy.resolve("jdk-other").toString(), "DUMPS", dumps.toString());
        launch(false, otherEnv, "status");
        launch(false, otherEnv, "status");
        assertEquals(List.of("status.classlist", "cachectl.classlist", "status.classlist"), Files.readAllLines(dumps),
                "the other JDK's first run dumps, its second maps what it dumped");
        assertEquals(other.resolve("java").toString(), Files.readString(target.resolve("cachectl-status.jsa.java")).trim());
    }

    @Test
    void a_jar_at_a_path_a_file_url_escapes_runs_from_a_copy_in_the_cache_which_its_archive_is_dumped_for() throws Exception {
        // JDK 17 maps none of the jar's classes from an archive when the jar's path has a space (or '%', '#', ...)
        copyTheLauncherTo(Files.createDirectories(tmp.resolve("my apps")));
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        Path target = copy.resolve("cli/target");
        Files.writeString(target.resolve("cachectl.classlist"), "java/lang/Object\n");
        Files.writeString(target.resolve("mongo-server.classlist"), "java/lang/Object\n");
        // a java that notes the class path of each call, and "dumps" an archive (makes the file)
        Path jdk = Files.createDirectories(copy.resolve("jdk/bin"));
        Path classPaths = tmp.resolve("class-paths");
        Files.writeString(jdk.resolve("java"), """
                #!/bin/bash
                previous=
                for a in "$@"; do
                    case $a in -XX:SharedArchiveFile=*) archive=${a#*=} ;; esac
                    if [[ $previous == -cp ]]; then printf '%s\\n' "$a" >>"$CLASS_PATHS"; fi
                    previous=$a
                done
                if [[ " $* " == *" -Xshare:dump "* ]]; then : >"$archive"; fi
                """);
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        Path cache = tmp.resolve("cache");
        Map<String, String> env = Map.of("JAVA_HOME", jdk.getParent().toString(), "CLASS_PATHS", classPaths.toString(),
                "XDG_CACHE_HOME", cache.toString());
        launch(false, env, "--version");
        launch(false, env, "--version");

        List<String> used = Files.readAllLines(classPaths);
        assertEquals(3, used.size(), "a dump and two runs: " + used);
        assertEquals(1, used.stream().distinct().count(), "the dump and the runs use one class path: " + used);
        Path jar = Path.of(used.get(0));
        assertTrue(jar.startsWith(cache.resolve("cachectl")) && !jar.toUri().toString().contains("%"), jar.toString());
        assertEquals(-1, Files.mismatch(target.resolve("cachectl.jar"), jar), "a copy of the jar");
        assertEquals("java/lang/Object\n", Files.readString(jar.resolveSibling("mongo-server.classlist")),
                "the embedded mongo's class list, which cachectl reads next to its jar");
        try (Stream<Path> files = Files.list(jar.getParent())) {
            assertEquals(List.of("cachectl.jar", "mongo-server.classlist"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }

        // another jar in its place (an update unpacked from a tarball), however old: the copy is made again
        writeManifestJar(target.resolve("cachectl.jar.new"), "dev.cachectl.Updated");
        Files.setLastModifiedTime(target.resolve("cachectl.jar.new"), FileTime.from(Instant.now().minusSeconds(86_400)));
        Files.move(target.resolve("cachectl.jar.new"), target.resolve("cachectl.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        launch(false, env, "--version");
        assertEquals(-1, Files.mismatch(target.resolve("cachectl.jar"), jar), "a copy of the updated jar");
    }

    @Test
    void a_signal_during_the_first_runs_dump_ends_the_launcher_without_running_the_command_or_leaving_files() throws Exception {
        launch(false, "--version").assertEnded(0, "cachectl dev\n"); // builds the (fake) jar
        Path target = copy.resolve("cli/target");
        Files.writeString(target.resolve("cachectl.classlist"), "java/lang/Object\n");
        // a java whose dump writes its file and then takes its time; any other run notes that it ran
        Path jdk = Files.createDirectories(copy.resolve("jdk/bin"));
        Files.writeString(jdk.resolve("java"), """
                #!/bin/bash
                for a in "$@"; do case $a in -XX:SharedArchiveFile=*) archive=${a#*=} ;; esac; done
                if [[ " $* " == *" -Xshare:dump "* ]]; then : >"$archive"; exec sleep 60; fi
                echo ran
                """);
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        for (String[] signal : new String[][] {{"TERM", "143"}, {"INT", "130"}}) {
            // SIGINT at its default disposition: a test JVM started from a background shell inherits it ignored
            ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT,TERM", copy.resolve("scripts/cachectl").toString(),
                    "--version")
                    .directory(copy.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("CACHECTL_"));
            pb.environment().put("PATH", copy.resolve("bin") + ":/usr/bin:/bin");
            pb.environment().put("JAVA_HOME", copy.resolve("jdk").toString());
            Process launcher = pb.start();
            try {
                dev.cachectl.testing.Await.until(java.time.Duration.ofSeconds(20), "the dump never started", () -> {
                    try (Stream<Path> files = Files.list(target)) {
                        return files.anyMatch(f -> f.toString().endsWith(".partial"));
                    }
                });
                assertEquals(0, new ProcessBuilder("kill", "-" + signal[0], Long.toString(launcher.pid())).start().waitFor());
                assertTrue(launcher.waitFor(10, TimeUnit.SECONDS), "SIG" + signal[0] + " did not end the launcher");
                String output = new String(launcher.getInputStream().readAllBytes());
                assertEquals(Integer.parseInt(signal[1]), launcher.exitValue(), output);
                assertFalse(output.contains("ran"), "the command ran after SIG" + signal[0] + ": " + output);
                try (Stream<Path> files = Files.list(target)) {
                    assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                            .filter(f -> f.endsWith(".partial") || f.endsWith(".failed") || f.endsWith(".jsa")).toList(),
                            "a dump cut short leaves no file, and no mark that would stop the next run from dumping");
                }
                try (Stream<ProcessHandle> dumps = ProcessHandle.allProcesses()) {
                    assertFalse(dumps.anyMatch(ph -> ph.info().commandLine().orElse("").equals("sleep 60")
                            && ph.parent().map(pa -> pa.pid() == launcher.pid()).orElse(true)), "the dump outlived the launcher");
                }
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
    }

    private record Result(int code, String out, String err) {
        /** The exit code and stdout expected, and never an escape sequence on stderr. */
        Result assertEnded(int expectedCode, String expectedOut) {
            assertEquals(expectedCode, code, toString());
            assertEquals(expectedOut, out, toString());
            assertFalse(err.contains("\u001b"), "an escape sequence on stderr: " + this);
            return this;
        }
    }

    /** The environment of a launch whose JDK is a java that prints how it was called, one argument a line. */
    private Map<String, String> javaThatEchoes() throws IOException {
        Path jdk = Files.createDirectories(copy.resolve("jdk/bin"));
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        return Map.of("JAVA_HOME", copy.resolve("jdk").toString());
    }

    private Result launch(boolean buildFails, String... args) throws Exception {
        return launch(buildFails, Map.of(), args);
    }

    private Result launch(boolean buildFails, Map<String, String> env, String... args) throws Exception {
        Path out = copy.resolve("out");
        Path err = copy.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(copy.resolve("scripts/cachectl").toString()),
                Stream.of(args)).toList()).directory(copy.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("CACHECTL_") || k.equals("MAVEN_OPTS"));
        pb.environment().put("PATH", copy.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("FAKE_MVN_RECORD", record.toString());
        pb.environment().put("FAKE_JAR", copy.resolve("fake.jar").toString());
        if (buildFails) {
            pb.environment().put("FAKE_MVN_FAILS", "yes");
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A jar holding only a manifest: cachectl's main class, found on this JVM's class path. */
    static void writeManifestJar(Path jar) throws IOException {
        writeManifestJar(jar, "dev.cachectl.Cachectl");
    }

    private static void writeManifestJar(Path jar, String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toUri().toString()).collect(Collectors.joining(" "));
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(file, manifest)) {
            // the manifest is the whole content
        }
    }
}
