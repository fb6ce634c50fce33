package dev.cachectl.mongo;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.util.ChildProcess;
import dev.cachectl.util.Durations;

import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the server of a mongo instance: the explicit {@code mongod} (--binary or the instance's {@code binary}),
 * else {@code mongod} on PATH, else the embedded server, whose "binary" is this JVM's {@code java}
 * (source {@code embedded}).
 */
final class MongoBinaries {
    /** The mongo-java-server in the pom (its jar carries no version of its own): keep the two in step. */
    static final String EMBEDDED_VERSION = "1.47.0";
    static final String EMBEDDED = "embedded";
    private static final Pattern VERSION = Pattern.compile("db version v(\\S+)");
    private static final Duration VERSION_DEADLINE = Duration.ofSeconds(10);

    private MongoBinaries() {
    }

    static ResolvedBinary resolve(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit) || !Files.isExecutable(explicit)) {
                throw CachectlException.usage("mongod binary not found or not executable: " + explicit
                        + " (check --binary or the instance's 'binary' in cachectl.yaml)");
            }
            return describe(explicit, "configured");
        }
        Path onPath = searchPath(env.get("PATH"));
        if (onPath != null) {
            return describe(onPath, "PATH");
        }
        Path java = Path.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        return new ResolvedBinary(java, real(java), EMBEDDED_VERSION, EMBEDDED);
    }

    private static Path searchPath(String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "mongod");
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static ResolvedBinary describe(Path binary, String source) {
        Path absolute = binary.toAbsolutePath().normalize();
        return new ResolvedBinary(absolute, real(absolute), version(absolute), source);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw CachectlException.usage("mongo binary not readable: " + path);
        }
    }

    private static String version(Path binary) {
        try {
            ChildProcess.Finished probe = ChildProcess.run(List.of(binary.toString(), "--version"), null, VERSION_DEADLINE);
            if (probe.timedOut()) {
                throw CachectlException.failed(binary + " --version did not finish in " + Durations.format(VERSION_DEADLINE)
                        + "; it was stopped (is it a mongod?)");
            }
            return parseVersion(binary, probe.exitCode(), probe.output());
        } catch (IOException e) {
            throw CachectlException.failed("cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while checking " + binary);
        }
    }

    /** mongod --version prints {@code db version v7.0.2} first. */
    static String parseVersion(Path binary, int exitCode, String output) {
        Matcher m = VERSION.matcher(output);
        if (exitCode != 0 || !m.find()) {
            throw CachectlException.failed(binary + " does not look like mongod (--version printed: "
                    + output.lines().findFirst().orElse("nothing") + ")");
        }
        return m.group(1);
    }
}
