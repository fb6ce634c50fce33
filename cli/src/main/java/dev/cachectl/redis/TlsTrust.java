package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
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
     * {@link #socketFactory} (what the JVM trusts when {@code caFile} is null) whose sockets complete their handshake as
     * they are made, checking the server's name as a client does: a handshake that fails (a plain-text server reads
     * the TLS hello as the start of a command and never answers) fails the connect, once, instead of leaving a socket
     * that tries the handshake again when it is closed, waiting out the timeout a second time.
     */
    public static SSLSocketFactory handshaking(String caFile) {
        return new Handshaking(caFile == null ? context(null).getSocketFactory() : socketFactory(caFile));
    }

    private static final class Handshaking extends SSLSocketFactory {
        private final SSLSocketFactory inner;

        Handshaking(SSLSocketFactory inner) {
            this.inner = inner;
        }

        @Override
        public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
            SSLSocket socket = (SSLSocket) inner.createSocket(plain, host, port, autoClose);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            try {
                socket.startHandshake();
            } catch (IOException e) {
                // the plain socket, not the TLS one: closing that would try the handshake again for its close_notify
                plain.close();
                throw e;
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return inner.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return inner.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return inner.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return inner.createSocket(host, port, local, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return inner.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return inner.createSocket(host, port, local, localPort);
        }
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
