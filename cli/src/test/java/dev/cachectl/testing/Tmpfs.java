package dev.cachectl.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small tmpfs mounted on a folder, for a full disk or a read-only file system that a test can make (mount needs
 * root, as .ci/run, which installs packages, has). Closing it unmounts it lazily: a channel a failure left open must
 * not keep the mount, or hide that failure.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} ("64k", "1m") on {@code dir}, which must exist. */
    public static Tmpfs mount(Path dir, String size) throws Exception {
        command("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        return new Tmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file until no space is left. */
    public void fill() {
        try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
            byte[] block = new byte[4096];
            for (int i = 0; i < 1000; i++) {
                out.write(block);
            }
            throw new AssertionError("the tmpfs on " + dir + " took 4 MB");
        } catch (IOException noSpace) {
            // full
        }
    }

    /** Remounts it read-only. */
    public void readOnly() throws Exception {
        command("mount", "-o", "remount,ro", dir.toString());
    }

    @Override
    public void close() throws Exception {
        command("umount", "-l", dir.toString());
    }

    /** Runs a command that must succeed. */
    private static void command(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ": " + out);
    }
}
