package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.util.ChildProcess;
import dev.cachectl.util.Durations;
import dev.cachectl.util.FileWrites;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a redis-server: the explicit one, else {@code redis-server} on PATH, else the binary that the
 * embedded-redis jar ships, extracted once into {@code HOME/bin} and checked against the jar's copy
 * by SHA-256 (a damaged or half-written extraction is replaced).
 */
final class RedisBinaries {
    private static final Pattern VERSION = Pattern.compile("v=(\\S+)");
    private static final Pattern VERSION_TEXT = Pattern.compile("[0-9A-Za-z.+-]{1,40}");
    private static final Duration VERSION_DEADLINE = Duration.ofSeconds(5);
    private static final String VERSIONS = "redis-versions";

    private RedisBinaries() {
    }

    static ResolvedBinary resolve(Path explicit, Map<String, String> env, Path homeRoot) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit) || !Files.isExecutable(explicit)) {
                throw CachectlException.usage("redis binary not found or not executable: " + explicit
                        + " (check --binary or the instance's 'binary' in cachectl.yaml)");
            }
            return describe(explicit, "configured", homeRoot);
        }
        Path onPath = searchPath(env.get("PATH"), "redis-server");
        if (onPath != null) {
            return describe(onPath, "PATH", homeRoot);
        }
        String resource = embeddedResource();
        if (resource == null) {
            throw CachectlException.failed("no redis-server on PATH and no bundled one for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + ": install Redis (apt-get install redis-server) or pass --binary PATH");
        }
        return describe(extract(resource, homeRoot.resolve("bin")), "embedded", homeRoot);
    }

    static Path searchPath(String path, String program) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static ResolvedBinary describe(Path binary, String source, Path homeRoot) {
        Path absolute = binary.toAbsolutePath().normalize();
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw CachectlException.usage("redis binary not readable: " + binary);
        }
        return new ResolvedBinary(absolute, real, knownVersion(absolute, real, homeRoot.resolve("bin").resolve(VERSIONS)), source);
    }

    /**
     * The version of {@code binary}, remembered in {@code file} ({@code HOME/bin/redis-versions}) for as long
     * as the real file has the size and modification time it had when it was probed: a start then runs no
     * {@code redis-server --version} (a process, a temporary file and a wait, a good share of a start).
     * An installed or replaced binary has another time, and is probed again.
     */
    static String knownVersion(Path binary, Path real, Path file) {
        String stamp;
        try {
            stamp = Files.size(real) + "\t" + Files.getLastModifiedTime(real).toInstant();
        } catch (IOException e) {
            return version(binary);
        }
        String key = "\t" + binary;
        List<String> lines = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            lines.clear(); // unreadable: probe, and write it anew
        }
        for (String line : lines) {
            // size, time, version, path: the path last, as it may hold spaces
            String[] f = line.split("\t", 4);
            if (f.length == 4 && line.endsWith(key) && (f[0] + "\t" + f[1]).equals(stamp) && VERSION_TEXT.matcher(f[2]).matches()) {
                return f[2];
            }
        }
        String version = version(binary);
        if (binary.toString().indexOf('\n') < 0 && binary.toString().indexOf('\t') < 0) {
            lines.removeIf(line -> line.endsWith(key));
            lines.add(stamp + "\t" + version + key);
            try {
                FileWrites.ensureDir(file.getParent(), file.toString());
                FileWrites.atomically(file, String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n");
            } catch (RuntimeException e) {
                // a home we cannot write: the next start probes again
            }
        }
        return version;
    }

    static String version(Path binary) {
        try {
            ChildProcess.Finished probe = ChildProcess.run(List.of(binary.toString(), "--version"), null, VERSION_DEADLINE);
            if (probe.timedOut()) {
                throw CachectlException.failed(binary + " --version did not finish in " + Durations.format(VERSION_DEADLINE)
                        + "; it was stopped (is it a redis-server?)");
            }
            String text = probe.output();
            Matcher m = VERSION.matcher(text);
            if (probe.exitCode() != 0 || !m.find()) {
                throw CachectlException.failed(binary + " does not look like redis-server (--version printed: "
                        + text.lines().findFirst().orElse("nothing") + ")");
            }
            return m.group(1);
        } catch (IOException e) {
            throw CachectlException.failed("cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while checking " + binary);
        }
    }

    /** The jar resource holding a redis-server for this machine, or null. */
    static String embeddedResource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux")) {
            return x64 ? "redis-server-6.2.6-v5-linux-amd64" : arm64 ? "redis-server-6.2.7-linux-arm64" : null;
        }
        if (os.contains("mac")) {
            return x64 ? "redis-server-6.2.6-v5-darwin-amd64" : arm64 ? "redis-server-6.2.6-v5-darwin-arm64" : null;
        }
        return null;
    }

    /**
     * The marker file holds the SHA-256 of the jar's copy, written only after the extracted file
     * matched it; every later use re-hashes the extracted file against the marker, which catches a
     * damaged binary without reading the jar again. A binary that cannot be written is the start's
     * failure ("cannot write bundled redis-server FILE: No space left on device"); a marker that
     * cannot be written is not: the binary was checked, and the next start extracts it again.
     */
    static Path extract(String resource, Path binDir) {
        Path target = binDir.resolve(resource);
        FileWrites.ensureDir(binDir, "bundled redis-server " + target);
        Path marker = binDir.resolve(resource + ".sha256");
        try {
            if (Files.isRegularFile(target) && Files.isExecutable(target) && Files.isRegularFile(marker)) {
                String recorded = Files.readString(marker, StandardCharsets.UTF_8).trim().split("\\s+")[0];
                if (recorded.equals(sha256(target))) {
                    return target;
                }
            }
            String expected = sha256OfResource(resource);
            // a unique name, so two first runs extracting at once do not write into each other
            Path tmp = Files.createTempFile(binDir, "." + resource, ".tmp");
            try {
                try (InputStream in = open(resource)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
                if (!expected.equals(sha256(tmp))) {
                    throw CachectlException.failed("extracting the bundled redis-server to " + binDir
                            + " produced a corrupt file (disk full?)");
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteQuietly(tmp); // gone once moved; else a half-written copy would stay on a full disk
            }
            try {
                FileWrites.atomically(marker, expected + "  " + resource + "\n");
            } catch (CachectlException e) {
                // only spares the next start the extraction: it finds no marker and extracts again
            }
            return target;
        } catch (IOException e) {
            throw FileWrites.cannotWrite("bundled redis-server " + target, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the failure that brought us here is the one to report
        }
    }

    private static InputStream open(String resource) {
        InputStream in = RedisBinaries.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw CachectlException.failed("the bundled redis-server (" + resource + ") is missing from this build");
        }
        return in;
    }

    private static String sha256OfResource(String resource) {
        try (InputStream in = open(resource)) {
            MessageDigest md = digest();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
