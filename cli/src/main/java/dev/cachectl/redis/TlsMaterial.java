package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.util.ChildProcess;
import dev.cachectl.util.Durations;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates of a TLS instance, made once with {@code openssl} in its folder: a certificate
 * authority of its own ({@code ca.crt}, which clients trust) and a server certificate it signs for
 * 127.0.0.1 and localhost. Kept across restarts, so that what trusts the instance keeps working.
 */
final class TlsMaterial {
    static final String CA_CERT = "ca.crt";
    static final String CERT = "server.crt";
    static final String KEY = "server.key";
    private static final String DAYS = "3650";
    private static final Duration OPENSSL_DEADLINE = Duration.ofSeconds(30);

    private TlsMaterial() {
    }

    /** Makes the files in {@code dir} unless they are all there. */
    static void ensure(Path dir) {
        if (Files.isRegularFile(dir.resolve(CA_CERT)) && Files.isRegularFile(dir.resolve(CERT))
                && Files.isRegularFile(dir.resolve(KEY))) {
            return;
        }
        FileWrites.ensureDir(dir, "TLS folder " + dir);
        Path ext = dir.resolve("server.ext");
        try {
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw FileWrites.cannotWrite(ext.toString(), e);
        }
        String ec = "ec";
        openssl(dir, "req", "-x509", "-newkey", ec, "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", CA_CERT, "-days", DAYS, "-subj", "/CN=cachectl instance CA");
        openssl(dir, "req", "-newkey", ec, "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", KEY, "-out", "server.csr", "-subj", "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", CA_CERT, "-CAkey", "ca.key", "-CAcreateserial",
                "-out", CERT, "-days", DAYS, "-extfile", "server.ext");
        // like every file of the home, 0600: the keys above all
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                SecureFiles.restrict(file);
            }
        } catch (IOException e) {
            throw new CachectlException(ExitCode.FAILED, "cannot restrict " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            ChildProcess.Finished run = ChildProcess.run(command, dir, OPENSSL_DEADLINE);
            if (run.timedOut()) {
                throw new CachectlException(ExitCode.FAILED, "openssl " + args[0] + " did not finish within "
                        + Durations.format(OPENSSL_DEADLINE) + "; it was stopped");
            }
            if (run.exitCode() != 0) {
                String last = run.output().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
                throw new CachectlException(ExitCode.FAILED, "openssl " + args[0] + " failed (exit " + run.exitCode() + "): " + last);
            }
        } catch (IOException e) {
            throw CachectlException.usage("--tls needs openssl on PATH to make the instance's certificates ("
                    + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while making certificates");
        }
    }
}
