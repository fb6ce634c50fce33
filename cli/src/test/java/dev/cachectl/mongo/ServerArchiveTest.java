package dev.cachectl.mongo;

import dev.cachectl.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded server's class-data archive, dumped in the background by this JDK's real java next to a jar, as a start does it. */
class ServerArchiveTest {
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path bin;

    private Path jar(String name) throws IOException {
        Path jar = bin.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, new Manifest())) {
            j.flush();
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return jar;
    }

    private Path classList() throws IOException {
        return Files.writeString(bin.resolve("list"), "java/lang/Object\njava/lang/String\njava/util/ArrayList\n");
    }

    @Test
    void an_archive_is_dumped_once_next_to_the_jar_then_used_and_old_ones_go() throws IOException {
        Path gone = Files.writeString(bin.resolve("cachectl-1-1.mongo.jsa"), "the archive of a jar copy that is gone");
        Path jar = jar("cachectl-2-2.jar");
        Path archive = bin.resolve("cachectl-2-2.mongo.jsa");

        // the first start goes without, while the archive is dumped for the next ones
        assertEquals(Optional.empty(), ServerArchive.forServer(JAVA, jar.toString(), classList()));
        assertFalse(Files.exists(gone), "the archive of a jar that is gone was kept");
        assertEquals(Optional.empty(), ServerArchive.forServer(JAVA, jar.toString(), classList()));
        Await.until(Duration.ofSeconds(60), "the archive to be dumped", () -> Files.exists(archive));

        assertEquals(Optional.of(archive), ServerArchive.forServer(JAVA, jar.toString(), classList()));
        assertTrue(Files.size(archive) > 0);
        try (var files = Files.list(bin)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".partial")).toList(),
                    "a second start dumped too, or the dump left its partial file");
        }
    }

    @Test
    void a_failed_dump_is_marked_and_not_tried_again() throws IOException {
        Path jar = jar("cachectl-3-3.jar");
        Path notJava = Files.writeString(bin.resolve("java"), "#!/bin/sh\nexit 1\n");
        notJava.toFile().setExecutable(true);
        Files.setLastModifiedTime(notJava, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Path mark = bin.resolve("cachectl-3-3.mongo.jsa.failed");

        assertEquals(Optional.empty(), ServerArchive.forServer(notJava, jar.toString(), classList()));
        Await.until(Duration.ofSeconds(30), "the failure to be marked", () -> Files.exists(mark));
        Files.setLastModifiedTime(mark, FileTime.fromMillis(System.currentTimeMillis() - 1_000));
        FileTime marked = Files.getLastModifiedTime(mark);

        assertEquals(Optional.empty(), ServerArchive.forServer(notJava, jar.toString(), classList()));
        assertFalse(Files.exists(bin.resolve("cachectl-3-3.mongo.jsa")));
        try (var files = Files.list(bin)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".partial")).toList(), "a marked failure was tried again");
        }
        assertEquals(marked, Files.getLastModifiedTime(mark));
    }

    @Test
    void no_archive_without_one_jar_or_a_class_list() throws IOException {
        Path jar = jar("cachectl-4-4.jar");
        assertEquals(Optional.empty(), ServerArchive.forServer(JAVA, bin + "/classes:" + jar, classList()));
        assertEquals(Optional.empty(), ServerArchive.forServer(JAVA, jar.toString(), null));
        assertEquals(Optional.empty(), ServerArchive.forServer(JAVA, jar.toString(), bin.resolve("missing")));
        try (var files = Files.list(bin)) {
            assertTrue(files.noneMatch(f -> f.toString().contains(".mongo.jsa")));
        }
    }
}
