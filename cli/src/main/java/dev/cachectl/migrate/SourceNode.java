package dev.cachectl.migrate;

import dev.cachectl.config.Endpoint;

/** One server keys are scanned from: the standalone source, or one master of a cluster source. */
record SourceNode(String address, Endpoint endpoint) {

    static SourceNode of(Endpoint base, String host, int port) {
        Endpoint node = new Endpoint(base.tls() ? "rediss" : "redis", host, port, base.user(), base.password(), 0,
                java.util.List.of(), base.caCert());
        return new SourceNode(host + ":" + port, node);
    }
}
