package dev.cachectl.mongo;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded server's class-data archive: the classes a server loads until it answers (netty, mongo-java-server,
 * cachectl's backend), mapped instead of loaded from the jar, which about halves the time to its first
 * {@code hello}. An archive fits one jar at one path and one JVM, and servers run from the home's copy of the jar,
 * so it is dumped next to that copy ({@code bin/cachectl-….mongo.jsa}) from the class list of the build's training
 * run ({@link EmbeddedMongoTraining}, {@value #CLASS_LIST} next to cachectl's jar). The first start that finds it
 * missing or older than the jar or the java binary starts the dump in the background (about 2 s of a CPU, once per
 * build and home) and runs its server without: a start's deadline is for its server alone. A dump that fails leaves
 * a {@code .failed} mark, and servers start without an archive instead of trying again.
 */
final class ServerArchive {
    static final String CLASS_LIST = "mongo-server.classlist";
    private static final String SUFFIX = ".mongo.jsa";
    private static final String PARTIAL = ".partial";
    /** Longer than a dump takes on a loaded machine: an older partial file is left over from one that died. */
    private static final Duration DUMP_DEADLINE = Duration.ofMinutes(2);

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
     * The archive for a server that {@code java} runs from {@code classPath}; empty when there is none yet (a dump is
     * then started unless one is under way or failed), or the class path is not one jar, or there is no class list.
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
        if (newer(archive, jar, java)) {
            return Optional.of(archive);
        }
        if (!newer(archive.resolveSibling(archive.getFileName() + ".failed"), jar, java) && !dumping(archive)) {
            removeOthers(archive);
            dump(java, jar, classList, archive);
        }
        return Optional.empty();
    }

    /**
     * Starts the dump and returns: into a file of its own, renamed into place when complete (a server never maps a
     * half-written archive), or a .failed mark. It outlives this command if need be, and ends by itself.
     */
    private static void dump(Path java, Path jar, Path classList, Path archive) {
        Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + PARTIAL);
        String script = "umask 077; \"$0\" -Xshare:dump -XX:SharedClassListFile=\"$1\" -XX:SharedArchiveFile=\"$2\" -cp \"$3\" "
                + "&& mv -f \"$2\" \"$4\" || { rm -f \"$2\"; : > \"$4.failed\"; }";
        try {
            // there at once: another start sees the dump under way
            Files.deleteIfExists(partial);
            Files.createFile(partial);
            new ProcessBuilder("/bin/sh", "-c", script, java.toString(), classList.toString(), partial.toString(),
                    jar.toString(), archive.toString())
                    .directory(jar.getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            // no shell, no process: the servers start without an archive, as before there was one
        }
    }

    /** Whether another start's dump of {@code archive} is under way (a partial file younger than a dump can take). */
    private static boolean dumping(Path archive) {
        long since = System.currentTimeMillis() - DUMP_DEADLINE.toMillis();
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(archive.getParent(), archive.getFileName() + ".*" + PARTIAL)) {
            for (Path p : partials) {
                if (Files.getLastModifiedTime(p).toMillis() > since) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
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
