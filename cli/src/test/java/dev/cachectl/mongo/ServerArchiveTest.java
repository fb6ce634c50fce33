package dev.cachectl.mongo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded server's class-data archive, dumped by this JDK's real java next to a jar, as a start does it. */
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
    void an_archive_is_dumped_once_next_to_the_jar_then_reused_and_old_ones_go() throws IOException {
        Path gone = Files.writeString(bin.resolve("cachectl-1-1.mongo.jsa"), "the archive of a jar copy that is gone");
        Path jar = jar("cachectl-2-2.jar");

        Optional<Path> archive = ServerArchive.forServer(JAVA, jar.toString(), classList());

        assertEquals(Optional.of(bin.resolve("cachectl-2-2.mongo.jsa")), archive);
        assertTrue(Files.size(archive.get()) > 0);
        assertFalse(Files.exists(gone), "the archive of a jar that is gone was kept");
        FileTime made = Files.getLastModifiedTime(archive.get());
        assertEquals(archive, ServerArchive.forServer(JAVA, jar.toString(), classList()));
        assertEquals(made, Files.getLastModifiedTime(archive.get()), "a current archive was dumped again");
        try (var files = Files.list(bin)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")));
        }
    }

    @Test
    void a_failed_dump_is_marked_and_the_server_starts_without_an_archive() throws IOException {
        Path jar = jar("cachectl-3-3.jar");
        Path notJava = Files.writeString(bin.resolve("java"), "#!/bin/sh\nexit 1\n");
        notJava.toFile().setExecutable(true);
        Files.setLastModifiedTime(notJava, FileTime.fromMillis(System.currentTimeMillis() - 120_000));

        assertEquals(Optional.empty(), ServerArchive.forServer(notJava, jar.toString(), classList()));
        Path mark = bin.resolve("cachectl-3-3.mongo.jsa.failed");
        assertTrue(Files.exists(mark));
        assertFalse(Files.exists(bin.resolve("cachectl-3-3.mongo.jsa")));
        FileTime marked = Files.getLastModifiedTime(mark);
        assertEquals(Optional.empty(), ServerArchive.forServer(notJava, jar.toString(), classList()));
        assertEquals(marked, Files.getLastModifiedTime(mark), "a marked failure was tried again");
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
