package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS sockets that trust one certificate authority, given as a PEM file: a managed instance's own
 * CA, which no JVM trust store knows. Built once per file version (an instance started anew may
 * have a new CA at the same path) and shared.
 */
public final class TlsTrust {
    private static final Map<String, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private TlsTrust() {
    }

    public static SSLSocketFactory socketFactory(String caFile) {
        return context(caFile).getSocketFactory();
    }

    /**
     * The TLS context trusting {@code caFile}, or, without one, what the JVM trusts (as a
     * {@code rediss://} connection without a CA does): for clients that drive their own
     * {@link javax.net.ssl.SSLEngine} rather than a socket (bench's event loops).
     */
    public static SSLContext context(String caFile) {
        if (caFile == null) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new CachectlException(ExitCode.USAGE, "cannot use the JVM's trusted certificates: " + e.getMessage(), e);
            }
        }
        String version;
        try {
            Path path = Path.of(caFile);
            version = caFile + "@" + Files.getLastModifiedTime(path).toMillis() + "/" + Files.size(path);
        } catch (IOException e) {
            throw new CachectlException(ExitCode.USAGE, "cannot use the CA certificate " + caFile + ": " + e.getMessage(), e);
        }
        return CONTEXTS.computeIfAbsent(version, v -> build(caFile));
    }

    private static SSLContext build(String caFile) {
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, ca);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in it");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CachectlException(ExitCode.USAGE, "cannot use the CA certificate " + caFile + ": " + e.getMessage(), e);
        }
    }
}
