package dev.cachectl.cron;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.FileLocks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cachectl cron}: the crontab block of the scheduled warm jobs, printed, installed and removed. */
class CronTest {
    private static final String JOBS = """
            jobs:
              hourly:
                source: u.jsonl
                to: t
                key: "u:{id}"
                schedule: "15 * * * *"
                timeout: 10m
              by-hand:
                source: u.jsonl
                to: t
                key: "v:{id}"
            """;
    /** The user's own lines: a mail address, a % cron reads as a newline, a byte that is not UTF-8, no final newline. */
    private static final byte[] USER_LINES = concat("MAILTO=ops@example.com\n# mine\n0 3 * * * date +\\%F > /tmp/d\n".getBytes(
            StandardCharsets.US_ASCII), new byte[] {'#', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'}, "@reboot /bin/true".getBytes(StandardCharsets.US_ASCII));

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Path crontabFile;
    private Path calls;
    private Path launcher;
    /** The user's HOME, where the crontab lock lives: never the real one. */
    private Path userHome;

    @BeforeEach
    void fakes() throws IOException {
        crontabFile = home.workDir().resolve("crontab.txt");
        calls = home.workDir().resolve("crontab.calls");
        // a crontab that keeps the table in a file, and notes how it was called
        Path fake = script("fake-crontab", """
                #!/bin/sh
                echo "$1" >> "$FAKE_CRONTAB_CALLS"
                case "$1" in
                  -l) if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
                  -) cat > "$FAKE_CRONTAB" ;;
                  *) echo "usage: crontab [-l | -]" >&2; exit 2 ;;
                esac
                """);
        home.env().put("FAKE_CRONTAB", crontabFile.toString());
        home.env().put("FAKE_CRONTAB_CALLS", calls.toString());
        home.env().put("CACHECTL_CRONTAB", fake.toString());
        String java = ProcessHandle.current().info().command().orElseThrow();
        launcher = script("cachectl", "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' dev.cachectl.Cachectl \"$@\"\n");
        home.env().put("CACHECTL_LAUNCHER", launcher.toString());
        userHome = Files.createDirectories(home.workDir().resolve("user-home"));
        home.env().put("HOME", userHome.toString());
    }

    @Test
    void the_printed_line_runs_the_job_with_absolute_quoted_paths_and_no_bare_percent() throws Exception {
        // a config folder whose name needs quoting, and holds the % that cron reads as a newline
        Path conf = Files.createDirectories(home.workDir().resolve("it's 100% conf"));
        Files.writeString(conf.resolve("cachectl.yaml"), JOBS);
        Files.writeString(conf.resolve("u.jsonl"), "{\"id\":1}\n{\"id\":2}\n");
        home.run("start", "t").assertOk();

        CliResult cron = home.run("--config", conf.resolve("cachectl.yaml").toString(), "cron").assertOk();
        List<String> lines = cron.out().lines().toList();
        Path config = conf.resolve("cachectl.yaml").toAbsolutePath();
        assertEquals("# BEGIN cachectl " + config, lines.get(0), cron.toString());
        assertEquals("# END cachectl " + config, lines.get(lines.size() - 1), cron.toString());
        List<String> jobs = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(1, jobs.size(), "only the job with a schedule: " + cron);
        String line = jobs.get(0);
        assertTrue(line.startsWith("15 * * * * "), line);
        assertTrue(line.contains("timeout -k 30 600 '" + launcher + "' --home '" + home.root() + "'"), line);
        assertTrue(line.endsWith(" --quiet warm --job 'hourly'"), line);
        assertFalse(line.replace("\\%", "").contains("%"), "a bare % in " + line);

        // as cron runs it: \% back to %, the rest to sh, from the user's home with a bare environment
        String command = line.substring("15 * * * * ".length()).replace("\\%", "%");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(Path.of("/").toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(java.util.Map.of("PATH", "/usr/bin:/bin", "SHELL", "/bin/sh", "HOME", System.getProperty("user.home")));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the job did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertEquals("", output, "--quiet: a run that went fine prints nothing, so cron mails nothing");
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            assertTrue(redis.exists("u:1") && redis.exists("u:2"));
        }
    }

    @Test
    void install_twice_leaves_one_block_and_every_other_line_and_remove_takes_it_out() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        Files.write(crontabFile, USER_LINES);

        home.run("cron", "--install").assertOk();
        CliResult again = home.run("cron", "--install").assertOk();
        assertTrue(again.err().contains("already has the 1 scheduled warm job"), again.toString());
        byte[] installed = Files.readAllBytes(crontabFile);
        String begin = "# BEGIN cachectl " + home.workDir().resolve("cachectl.yaml");
        assertEquals(1, count(installed, begin), new String(installed, StandardCharsets.UTF_8));
        assertArrayEquals(concat(USER_LINES, new byte[] {'\n'}), Arrays.copyOf(installed, USER_LINES.length + 1),
                "the user's lines changed (only the last one gained its newline)");

        // the user adds a line after the block; a changed config replaces the block where it is
        Files.write(crontabFile, concat(installed, "# after\n".getBytes(StandardCharsets.US_ASCII)));
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS.replace("15 * * * *", "@daily"));
        CliResult replaced = home.run("cron", "--install").assertOk();
        assertTrue(replaced.err().contains("in the place of the earlier block"), replaced.toString());
        String text = Files.readString(crontabFile, StandardCharsets.ISO_8859_1);
        assertEquals(1, count(Files.readAllBytes(crontabFile), begin), text);
        assertTrue(text.contains("\n@daily ") && !text.contains("15 * * * *") && text.endsWith("# END cachectl "
                + home.workDir().resolve("cachectl.yaml") + "\n# after\n"), text);

        home.run("cron", "--remove").assertOk();
        assertArrayEquals(concat(USER_LINES, "\n# after\n".getBytes(StandardCharsets.US_ASCII)), Files.readAllBytes(crontabFile));
        CliResult none = home.run("cron", "--remove").assertOk();
        assertTrue(none.err().contains("the crontab has no block of"), none.toString());
    }

    @Test
    void dry_run_prints_the_crontab_it_would_write_and_writes_nothing() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        Files.write(crontabFile, USER_LINES);

        CliResult dry = home.run("cron", "--install", "--dry-run").assertOk();
        assertArrayEquals(USER_LINES, Files.readAllBytes(crontabFile));
        assertEquals(List.of("-l"), Files.readAllLines(calls), "a dry run only reads the crontab");
        assertTrue(dry.out().startsWith("MAILTO=ops@example.com\n") && dry.out().contains("\n# BEGIN cachectl ")
                && dry.out().contains(" --quiet warm --job 'hourly'\n"), dry.toString());
        assertTrue(dry.err().contains("dry run, the crontab is unchanged"), dry.toString());

        home.run("cron", "--install").assertOk();
        assertEquals(dry.out(), new String(Files.readAllBytes(crontabFile), StandardCharsets.UTF_8),
                "the install wrote what the dry run showed");
    }

    @Test
    void a_bad_schedule_or_timeout_is_a_config_error_naming_the_job_and_the_field() throws IOException {
        Path config = home.workDir().resolve("cachectl.yaml");
        Files.writeString(config, JOBS.replace("15 * * * *", "61 * * * *"));
        CliResult minute = home.run("cron", "--install").assertExit(2);
        assertTrue(minute.err().contains(config + ", line 6, column 5: jobs.hourly.schedule '61 * * * *': minute: 61 is out of range 0-59"),
                minute.toString());
        assertFalse(Files.exists(calls), "the crontab was touched before the config was checked");

        Files.writeString(config, JOBS.replace("15 * * * *", "15 * *"));
        assertTrue(home.run("cron").assertExit(2).err().contains("has 3 fields; a schedule has five"));
        Files.writeString(config, JOBS.replace("15 * * * *", "@sometimes"));
        assertTrue(home.run("cron").assertExit(2).err().contains("'@sometimes' is not a cron shorthand"));
        Files.writeString(config, JOBS.replace("15 * * * *", "0 9 * * mon-fri"));
        assertTrue(home.run("cron").assertExit(2).err().contains("day of week: a name like 'mon' stands alone"));
        Files.writeString(config, JOBS.replace("timeout: 10m", "timeout: soon"));
        assertTrue(home.run("cron").assertExit(2).err().contains("jobs.hourly.timeout 'soon'"));

        Files.writeString(config, JOBS.replace("15 * * * *", "*/20 8-18 1,15 JAN 0-7"));
        assertTrue(home.run("cron").assertOk().out().contains("\n*/20 8-18 1,15 JAN 0-7 timeout "));
    }

    @Test
    void a_scheduled_job_that_warm_would_refuse_is_not_installed_printed_or_dry_run() throws IOException {
        Path config = home.workDir().resolve("cachectl.yaml");
        Files.writeString(config, JOBS.replace("    timeout: 10m\n", "    timeout: 10m\n    ttl: banana\n"));
        CliResult ttl = home.run("cron", "--install").assertExit(2);
        assertTrue(ttl.err().contains(config + ", line 8, column 5: jobs.hourly.ttl 'banana': 'banana' is not a duration"),
                ttl.toString());
        assertFalse(Files.exists(calls), "the crontab was touched for a job that cannot run");
        assertTrue(home.run("cron").assertExit(2).err().contains("jobs.hourly.ttl 'banana'"));
        assertTrue(home.run("cron", "--install", "--dry-run").assertExit(2).err().contains("jobs.hourly.ttl 'banana'"));

        // a schedule and nothing else: no source to warm from
        Files.writeString(config, "jobs:\n  lone:\n    schedule: \"@hourly\"\n");
        CliResult lone = home.run("cron", "--install").assertExit(2);
        assertTrue(lone.err().contains(config + ", line 2, column 3: jobs.lone has no source"), lone.toString());
        // what has no setting of its own to point at is put at the job's line
        Files.writeString(config, JOBS.replace("\"u:{id}\"", "\"u:{id\""));
        CliResult key = home.run("cron").assertExit(2);
        assertTrue(key.err().contains(config + ", line 2, column 3: jobs.hourly: --key 'u:{id': "), key.toString());
        assertFalse(Files.exists(calls));
        // a source that does not exist yet is fine: an export may write it just before each run
        Files.writeString(config, JOBS.replace("u.jsonl", "later.jsonl"));
        home.run("cron").assertOk();
    }

    @Test
    void without_a_home_given_the_line_names_the_one_under_HOME() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        home.env().remove("CACHECTL_HOME");
        CliResult cron = home.run("cron").assertOk();
        assertTrue(cron.out().contains(" --home '" + userHome.resolve(".cachectl") + "' "), cron.toString());
    }

    @Test
    void no_scheduled_job_says_so_and_a_missing_crontab_is_one_line_exit_1() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), "jobs:\n  by-hand:\n    source: u.jsonl\n    key: \"{id}\"\n");
        CliResult none = home.run("cron").assertOk();
        assertEquals("", none.out());
        assertTrue(none.err().contains("has a schedule: nothing to print"), none.toString());

        home.env().remove("CACHECTL_CRONTAB");
        CliResult missing = home.run("cron", "--install", "--crontab", "no-such-crontab").assertExit(1);
        assertEquals(1, missing.err().strip().lines().count(), missing.toString());
        assertTrue(missing.err().contains("no no-such-crontab command on PATH"), missing.toString());

        home.env().remove("CACHECTL_LAUNCHER");
        home.env().put("PATH", "/usr/bin:/bin");
        CliResult noLauncher = home.run("cron").assertExit(2);
        assertTrue(noLauncher.err().contains("--launcher PATH"), noLauncher.toString());
    }

    @Test
    void a_crontab_that_hangs_is_stopped_at_the_deadline_with_every_process_it_started() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        // the helper, a shell under it and a sleep under that, each noting its pid
        Path pids = home.workDir().resolve("hanging.pids");
        home.env().put("HANGING_PIDS", pids.toString());
        Path hanging = script("hanging-crontab", """
                #!/bin/sh
                echo $$ >> "$HANGING_PIDS"
                sh -c 'echo $$ >> "$HANGING_PIDS"; sleep 600 & echo $! >> "$HANGING_PIDS"; wait'
                """);

        Duration deadline = Crontab.deadline;
        Crontab.deadline = Duration.ofSeconds(1);
        CliResult hung;
        try {
            hung = home.run("cron", "--install", "--crontab", hanging.toString()).assertExit(1);
        } finally {
            Crontab.deadline = deadline;
        }
        assertTrue(hung.err().contains(hanging + " -l did not finish within 1 s"), hung.toString());
        List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertEquals(3, started.size(), "the helper, its shell and the sleep: " + started);
        for (long pid : started) {
            Await.until(Duration.ofSeconds(5), "pid " + pid + " of the hung crontab still runs", () -> !Processes.alive(pid));
        }
    }

    @Test
    void installs_of_two_configs_with_two_homes_at_once_keep_both_blocks() throws Exception {
        // a crontab whose first read waits (up to 1 s) for a second one: two installs that do not take turns
        // both read a table without the other's block; its write is slow and not atomic as well
        Path racy = script("racy-crontab", """
                #!/bin/sh
                case "$1" in
                  -l) if mkdir "$FAKE_CRONTAB.first" 2>/dev/null; then
                        i=0; while [ ! -e "$FAKE_CRONTAB.second" ] && [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done
                      else
                        touch "$FAKE_CRONTAB.second"
                      fi
                      if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
                  -) cat > "$FAKE_CRONTAB.new" && sleep 0.2 && cat "$FAKE_CRONTAB.new" > "$FAKE_CRONTAB" ;;
                esac
                """);
        home.env().put("CACHECTL_CRONTAB", racy.toString());
        Path[] configs = new Path[2];
        Path[] homes = {home.root(), Files.createDirectories(home.workDir().resolve("second-home"))};
        for (int i = 0; i < 2; i++) {
            Path dir = Files.createDirectories(home.workDir().resolve("app" + i));
            configs[i] = Files.writeString(dir.resolve("cachectl.yaml"), JOBS);
        }

        // the first read's wait makes each round lose a block without the lock: a few rounds are enough
        for (int round = 1; round <= 3; round++) {
            for (String leftover : List.of("", ".first", ".second", ".new")) {
                Files.deleteIfExists(Path.of(crontabFile + leftover));
            }
            List<Process> installs = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    installs.add(cachectl(homes[i], "round" + round + "-" + i + ".log",
                            "--config", configs[i].toString(), "cron", "--install"));
                }
                for (int i = 0; i < 2; i++) {
                    assertTrue(installs.get(i).waitFor(30, TimeUnit.SECONDS), "install " + i + " still runs");
                    String log = Files.readString(home.workDir().resolve("round" + round + "-" + i + ".log"));
                    assertEquals(0, installs.get(i).exitValue(), log);
                    assertTrue(log.contains("installed the 1 scheduled warm job"), log);
                }
            } finally {
                installs.forEach(Process::destroyForcibly);
            }
            byte[] crontab = Files.readAllBytes(crontabFile);
            for (Path config : configs) {
                assertEquals(1, count(crontab, "# BEGIN cachectl " + config), "round " + round + ":\n"
                        + new String(crontab, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void an_install_that_cannot_have_the_crontab_lock_in_time_is_skipped_with_exit_5() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        // the user's lock, not the home's: another home's run would hold this one
        Path lock = Files.createDirectories(userHome.resolve(".cachectl/locks")).resolve("crontab.lock");
        Duration wait = CrontabLock.wait;
        CrontabLock.wait = Duration.ofMillis(300);
        try (FileLocks.Held held = FileLocks.tryAcquire(lock).orElseThrow()) {
            CliResult skipped = home.run("cron", "--install").assertExit(5);
            assertTrue(skipped.err().contains("another cachectl cron is changing the crontab"), skipped.toString());
            assertFalse(Files.exists(calls), "the crontab was touched without the lock");
            assertTrue(home.run("cron", "--remove").assertExit(5).err().contains("another cachectl cron"));
        } finally {
            CrontabLock.wait = wait;
        }
        home.run("cron", "--install").assertOk();
        assertEquals(1, count(Files.readAllBytes(crontabFile), "# BEGIN cachectl " + home.workDir().resolve("cachectl.yaml")));
    }

    @Test
    void a_crontab_that_does_not_keep_what_was_written_is_exit_1_not_success() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), JOBS);
        Files.write(crontabFile, USER_LINES);
        // as if 'crontab -e' elsewhere had saved its older copy right after cachectl's write
        Path forgetful = script("forgetful-crontab", """
                #!/bin/sh
                case "$1" in
                  -l) cat "$FAKE_CRONTAB" ;;
                  -) cat > /dev/null ;;
                esac
                """);
        CliResult lost = home.run("cron", "--install", "--crontab", forgetful.toString()).assertExit(1);
        assertTrue(lost.err().contains("changed by something else while cachectl wrote it: the block of "
                + home.workDir().resolve("cachectl.yaml") + " is not there as written"), lost.toString());
        assertFalse(lost.err().contains("installed"), lost.toString());
    }

    /** cachectl as a process of its own, in {@code cachectlHome}, with the test's environment; output to {@code log}. */
    private Process cachectl(Path cachectlHome, String log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.cachectl.Cachectl", "--home", cachectlHome.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.workDir().toFile()).redirectErrorStream(true)
                .redirectOutput(home.workDir().resolve(log).toFile());
        pb.environment().clear();
        pb.environment().putAll(home.env());
        return pb.start();
    }

    private Path script(String name, String text) throws IOException {
        Path path = home.workDir().resolve(name);
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        return path;
    }

    private static int count(byte[] crontab, String line) {
        return (int) new String(crontab, StandardCharsets.ISO_8859_1).lines().filter(line::equals).count();
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
