package dev.cachectl.util;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A file cachectl cannot write is one line naming it and the system's reason, exit 1, and no half-written file. */
@Timeout(10)
class FileWritesTest {
    @TempDir
    Path dir;

    @Test
    void a_write_that_fails_names_the_file_and_the_reason_and_leaves_no_temporary_file() throws Exception {
        Path file = dir.resolve("state.json");
        Files.createDirectory(file); // a folder that is not empty in the file's place: the rename fails, even for root
        Files.createFile(file.resolve("x"));
        CachectlException e = assertThrows(CachectlException.class, () -> FileWrites.atomically(file, "{}"));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertEquals("cannot write " + file + ": Is a directory", e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "the temporary file was left behind");
        }
    }

    @Test
    void a_thread_that_was_interrupted_still_writes_its_file_and_stays_interrupted() throws Exception {
        // Ctrl-C interrupts the run's thread, and that is when it saves its state or checkpoint
        Path file = dir.resolve("checkpoint.json");
        Thread.currentThread().interrupt();
        try {
            FileWrites.atomically(file, "{\"at\":42}");
            assertTrue(Thread.currentThread().isInterrupted(), "the interruption is kept for whoever checks it next");
        } finally {
            Thread.interrupted();
        }
        assertEquals("{\"at\":42}", Files.readString(file));
    }

    @Test
    void a_folder_that_is_a_file_is_a_failure_to_write_what_it_holds() throws Exception {
        Path notAFolder = Files.createFile(dir.resolve("ckpt"));
        CachectlException e = assertThrows(CachectlException.class,
                () -> FileWrites.ensureDir(notAFolder, "checkpoint " + notAFolder.resolve("job.json")));
        assertEquals("cannot write checkpoint " + notAFolder.resolve("job.json") + ": " + notAFolder
                + " exists and is not a folder", e.getMessage());
        assertTrue(Files.isRegularFile(notAFolder));
    }

    @Test
    void a_write_that_succeeds_replaces_the_content_whole() throws Exception {
        Path file = dir.resolve("settings.json");
        FileWrites.atomically(file, "old");
        FileWrites.atomically(file, "new");
        assertEquals("new", Files.readString(file));
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }
}
