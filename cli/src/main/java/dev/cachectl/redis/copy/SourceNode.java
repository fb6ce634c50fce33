package dev.cachectl.redis.copy;

import dev.cachectl.config.Endpoint;

/** One server keys are scanned from: the standalone source, or one master of a cluster source. */
record SourceNode(String address, Endpoint endpoint) {

    static SourceNode of(Endpoint base, String host, int port) {
        return new SourceNode(host + ":" + port, base.atNode(host, port));
    }
}
