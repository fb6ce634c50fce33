package dev.cachectl.status;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cachectl.engine.ServerSample;

import java.util.List;

/**
 * One instance in {@code status}: every field an operator asks about, null where it does not apply
 * (an external instance has no pid we own, a down one has no memory). Rates over an interval are
 * present only when {@code --interval} took two samples. In {@code --json} the parts are flat: one object
 * per instance with the fields of {@link Identity}, {@link Server}, {@link Idle}, {@link Topology} and the
 * engine's {@link ServerSample.Details}, and {@code change}.
 * <p>
 * A cluster ({@code cluster} is its shape), managed or named by an external {@code redis+cluster://}
 * URL, is one instance: up only when every node answers and reports the cluster ok (and, external, none
 * is flagged failing); memory, hits, misses, evictions, ops and clients are summed over its nodes,
 * keys over its masters; pid and port are its first node's (an external one's: its first seed's port),
 * and {@code nodes} details each node (null for a standalone server). {@code change}: see {@link Change}.
 */
public record InstanceStatus(
        @JsonUnwrapped Identity identity,
        @JsonUnwrapped Server server,
        @JsonUnwrapped Idle idle,
        @JsonUnwrapped Topology topology,
        @JsonUnwrapped ServerSample.Details details,
        Change change) {

    /** Which instance, whether it answered (else why not), and where it runs. */
    public record Identity(String name, String engine, String kind, boolean up, String error, String url, Long pid,
                           Integer port, String binary, String binarySource) {
    }

    /**
     * The engine-neutral reading: version, uptime, memory used and its limit, hit ratio (since the server started,
     * and over the interval), ops/s, clients other than us. {@code commandsProcessed}: the server's counter since
     * it started, our probes included (what Prometheus scrapes). Hits and misses discount cachectl's own reads.
     */
    public record Server(String version, Long uptimeSeconds, Long usedMemory, Long maxmemory, Double memoryPct,
                         Long hits, Long misses, Double hitRatio, Double hitRatioInterval, Double opsPerSec, Long clients,
                         Long commandsProcessed) {

        static final Server UNKNOWN = new Server(null, null, null, null, null, null, null, null, null, null, null, null);

        Server withVersion(String v) {
            return new Server(v, uptimeSeconds, usedMemory, maxmemory, memoryPct, hits, misses, hitRatio,
                    hitRatioInterval, opsPerSec, clients, commandsProcessed);
        }
    }

    /**
     * How long no client has used a managed instance, and after how long its supervisor stops it (null: never).
     * {@code idleTimeoutNotEnforced}: why an instance past its timeout still runs and what to do (no supervisor
     * runs in the home: one was killed), else null.
     */
    public record Idle(Long idleSeconds, Long idleTimeoutSeconds, String idleTimeoutNotEnforced) {
    }

    /** A cluster's shape and its nodes; both null for a standalone server. */
    public record Topology(String cluster, List<NodeStatus> nodes) {
    }

    /** What changed over {@code --interval} (null without one): memory gained, keys evicted, hits and misses (ours discounted). */
    public record Change(double seconds, Long usedMemory, Long evictions, Long hits, Long misses) {
    }

    public String name() {
        return identity.name();
    }

    public boolean up() {
        return identity.up();
    }

    public String error() {
        return identity.error();
    }

    public Long usedMemory() {
        return server.usedMemory();
    }

    public Long maxmemory() {
        return server.maxmemory();
    }

    public Double opsPerSec() {
        return server.opsPerSec();
    }

    public Long keys() {
        return details.keys();
    }

    public Long evictions() {
        return details.evictions();
    }

    public List<NodeStatus> nodes() {
        return topology.nodes();
    }
}
