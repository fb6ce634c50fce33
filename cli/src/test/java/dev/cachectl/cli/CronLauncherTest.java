package dev.cachectl.cli;

import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crontab line names the cachectl the user ran: the launcher exports the path it was called by, made
 * absolute, a symlink included (not the file it points to, which an upgrade replaces).
 */
class CronLauncherTest {
    private Path copy;

    @BeforeEach
    void installTheLauncher() throws IOException {
        copy = Files.createTempDirectory("cachectl-cron-launcher-");
        Files.createDirectories(copy.resolve("opt/scripts"));
        Files.copy(Repo.root().resolve("scripts/cachectl"), copy.resolve("opt/scripts/cachectl"));
        // which runs the release's launcher of the checkout
        Files.createDirectories(copy.resolve("opt/cli/src/dist/bin"));
        Files.copy(Repo.root().resolve("cli/src/dist/bin/cachectl"), copy.resolve("opt/cli/src/dist/bin/cachectl"));
        // a jar and no sources: the launcher has nothing to build
        Files.createDirectories(copy.resolve("opt/cli/target"));
        LauncherTest.writeManifestJar(copy.resolve("opt/cli/target/cachectl.jar"));
        Files.createDirectories(copy.resolve("bin"));
        Files.createSymbolicLink(copy.resolve("bin/cachectl"), copy.resolve("opt/scripts/cachectl"));
        Files.writeString(copy.resolve("cachectl.yaml"), "jobs:\n  users:\n    source: u.jsonl\n    key: \"{id}\"\n    schedule: \"@hourly\"\n");
    }

    @AfterEach
    void removeTheCopy() throws IOException {
        try (Stream<Path> walk = Files.walk(copy)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void the_crontab_line_runs_the_launcher_by_the_path_it_was_called_by() throws Exception {
        Path out = copy.resolve("out");
        Path err = copy.resolve("err");
        // called by a relative path, and no cachectl on PATH: only the launcher can tell where it is
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec bin/cachectl \"$@\"", "sh", "--home", copy.resolve("home").toString(), "cron")
                .directory(copy.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("CACHECTL_") || k.startsWith("REDIS_"));
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // no class-data archive to dump: that is the launcher's other business, and costs seconds here
        pb.environment().put("CACHECTL_JAVA_OPTS", "-Xshare:off");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        String printed = Files.readString(out);
        assertEquals(0, p.exitValue(), printed + Files.readString(err));
        assertTrue(printed.contains("\n@hourly JAVA_HOME='" + System.getProperty("java.home") + "' '" + copy.resolve("bin/cachectl")
                + "' --home '" + copy.resolve("home") + "' --config '" + copy.resolve("cachectl.yaml") + "' --quiet warm --job 'users'\n"),
                printed);
    }
}
