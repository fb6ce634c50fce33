package dev.cachectl.engine;

import java.nio.file.Path;

/** The files of one managed instance inside its folder of the home. */
public record InstanceLayout(Path dir, Path configFile, Path dataDir, Path logFile) {

    /** Where a TLS instance keeps its certificate authority, certificate and key. */
    public Path tlsDir() {
        return dir.resolve("tls");
    }

    /** The CA certificate (PEM) clients trust a TLS instance by. */
    public Path caCert() {
        return tlsDir().resolve("ca.crt");
    }

    public static InstanceLayout in(Path dir, String configName) {
        return new InstanceLayout(dir, dir.resolve(configName), dir.resolve("data"), dir.resolve("server.log"));
    }
}
