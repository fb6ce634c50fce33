package dev.cachectl.mongo;

import dev.cachectl.util.ChildProcess;
import dev.cachectl.util.SecureFiles;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedded server's class-data archive: the classes a server loads until it answers (netty, mongo-java-server,
 * cachectl's backend), mapped instead of loaded from the jar, which about halves the time to its first
 * {@code hello}. An archive fits one jar at one path and one JVM, and servers run from the home's copy of the jar,
 * so it is dumped next to that copy ({@code bin/cachectl-….mongo.jsa}) on the first start that finds it missing or
 * older than the jar or the java binary, from the class list of the build's training run
 * ({@link EmbeddedMongoTraining}, {@value #CLASS_LIST} next to cachectl's jar): about 2 s, once per build and home.
 * A dump that fails leaves a {@code .failed} mark, and servers start without an archive instead of trying again.
 */
final class ServerArchive {
    static final String CLASS_LIST = "mongo-server.classlist";
    private static final String SUFFIX = ".mongo.jsa";
    private static final Duration DUMP_DEADLINE = Duration.ofSeconds(60);

    private ServerArchive() {
    }

    /** The training run's class list next to the jar this JVM runs from; null when cachectl does not run from a jar. */
    static Path classList() {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        return Path.of(classPath).toAbsolutePath().resolveSibling(CLASS_LIST);
    }

    /**
     * The archive for a server that {@code java} runs from {@code classPath}, dumped first when needed; empty when the
     * class path is not one jar, there is no class list, or the dump failed (now or before).
     */
    static Optional<Path> forServer(Path java, String classPath, Path classList) {
        if (classList == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path jar = Path.of(classPath);
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(classList)) {
            return Optional.empty();
        }
        String name = jar.getFileName().toString();
        Path archive = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + SUFFIX);
        Path failed = archive.resolveSibling(archive.getFileName() + ".failed");
        if (newer(archive, jar, java)) {
            return Optional.of(archive);
        }
        if (newer(failed, jar, java)) {
            return Optional.empty();
        }
        if (dump(java, jar, classList, archive)) {
            removeOthers(archive);
            return Optional.of(archive);
        }
        try {
            SecureFiles.writeAtomically(failed, "the class-data archive of " + jar + " could not be dumped\n");
        } catch (RuntimeException e) {
            // without the mark the next start tries again: slower, not wrong
        }
        return Optional.empty();
    }

    /** Into a file of its own, renamed into place: a server never maps a half-written archive. */
    private static boolean dump(Path java, Path jar, Path classList, Path archive) {
        Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        try {
            ChildProcess.Finished done = ChildProcess.run(List.of(java.toString(), "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + partial, "-cp", jar.toString()),
                    jar.getParent(), DUMP_DEADLINE);
            if (done.timedOut() || done.exitCode() != 0 || !Files.isRegularFile(partial)) {
                return false;
            }
            SecureFiles.restrict(partial);
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // a leftover .partial is never mapped
            }
        }
    }

    /** Archives of jar copies that are gone (the home keeps only the current copy). */
    private static void removeOthers(Path archive) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(archive.getParent(), "*" + SUFFIX + "*")) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                Path jar = p.resolveSibling(name.substring(0, name.indexOf(SUFFIX)) + ".jar");
                if (!p.equals(archive) && !Files.exists(jar)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // old archives only take space
        }
    }

    private static boolean newer(Path file, Path jar, Path java) {
        try {
            long made = Files.getLastModifiedTime(file).toMillis();
            return made > Files.getLastModifiedTime(jar).toMillis()
                    && made > Files.getLastModifiedTime(java.toRealPath()).toMillis();
        } catch (IOException e) {
            return false;
        }
    }
}
