package dev.cachectl.status.prometheus;

import dev.cachectl.mongo.MongoDetails;
import dev.cachectl.redis.RedisDetails;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.NodeStatus;
import dev.cachectl.status.StatusReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A status report in the Prometheus text exposition format (version 0.0.4): a HELP and a TYPE line
 * before each family's samples, with redis_exporter's metric names so that its dashboards work, and
 * cachectl's own ({@code cachectl_*}). Every series is labelled {@code instance}. A cluster's own series are
 * gauges of its totals (keys over its masters); its counters exist only node by node, as redis_exporter has them:
 * a sum over the nodes that answered would go down when one dies, which Prometheus takes for a reset. Its nodes'
 * series add a {@code node} label ({@code host:port}) and a {@code role} one ({@code master}, {@code replica}),
 * so that summing keys over the masters gives the cluster's.
 * A down instance has only {@code redis_up 0}. A MongoDB instance has its own {@code mongodb_*}
 * families instead of the {@code redis_*} ones (up, resident memory, connections, operations,
 * documents per database, the WiredTiger cache where the server reports it), and the same
 * {@code cachectl_*} ones.
 */
public final class PrometheusFormat {
    /** The Content-Type a scraper expects for this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusFormat() {
    }

    private record Family(String name, String type, String help, List<String> samples) {
    }

    public static String render(StatusReport report, NamespaceMemory namespaces) {
        Map<String, Family> families = new LinkedHashMap<>();
        gauge(families, "redis_up", "Whether the instance answered (1) or not (0); a cluster only when every node is up.");
        gauge(families, "redis_memory_used_bytes", "Memory the server has allocated (INFO used_memory).");
        gauge(families, "redis_memory_max_bytes", "The maxmemory setting; 0 when unlimited.");
        counter(families, "redis_keyspace_hits_total", "Lookups that found their key, cachectl's own reads discounted.");
        counter(families, "redis_keyspace_misses_total", "Lookups that did not find their key, cachectl's own reads discounted.");
        counter(families, "redis_evicted_keys_total", "Keys evicted because of maxmemory.");
        counter(families, "redis_expired_keys_total", "Keys removed because their TTL ran out.");
        gauge(families, "redis_db_keys", "Keys per database.");
        gauge(families, "redis_db_keys_expiring", "Keys with a TTL per database.");
        gauge(families, "redis_connected_clients", "Connected clients, cachectl's own probe and replication links excluded.");
        counter(families, "redis_commands_processed_total", "Commands processed since the server started.");
        gauge(families, "mongodb_up", "Whether the mongo instance answered (1) or not (0).");
        gauge(families, "mongodb_memory_resident_bytes", "Resident memory of the server (serverStatus mem.resident).");
        gauge(families, "mongodb_connections", "Connections open on the server, cachectl's own probe excluded.");
        counter(families, "mongodb_operations_total", "Operations since the server started, of every kind (serverStatus opcounters), when the server reports them.");
        gauge(families, "mongodb_db_documents", "Documents per database.");
        gauge(families, "mongodb_db_data_bytes", "Data size per database (dbStats dataSize).");
        gauge(families, "mongodb_cache_used_bytes", "Bytes in the WiredTiger cache.");
        gauge(families, "mongodb_cache_max_bytes", "The WiredTiger cache's configured maximum.");
        gauge(families, "cachectl_hit_ratio", "Hits / (hits + misses): over the sampling interval when there is one, else since the server started.");
        gauge(families, "cachectl_idle_seconds", "Seconds since a client other than cachectl last sent a command (managed instances).");
        gauge(families, "cachectl_namespace_memory_bytes", "Estimated memory per key namespace, from the instance's last analysis.");

        for (InstanceStatus s : report.instances()) {
            Map<String, String> labels = Map.of("instance", s.name());
            if ("mongo".equals(s.identity().engine())) {
                mongo(families, s, labels, namespaces);
                continue;
            }
            add(families, "redis_up", labels, s.up() ? 1 : 0);
            if (!s.up() && s.usedMemory() == null) {
                continue;
            }
            add(families, "redis_memory_used_bytes", labels, s.usedMemory());
            add(families, "redis_memory_max_bytes", labels, s.maxmemory());
            RedisDetails redis = RedisDetails.of(s.details());
            if (s.nodes() == null) {
                counters(families, labels, s.server().hits(), s.server().misses(), s.evictions(), redis.expiredKeys(),
                        s.server().commandsProcessed());
            }
            if (redis.keyspace() != null) {
                redis.keyspace().forEach((db, k) -> {
                    add(families, "redis_db_keys", with(labels, "db", db), k.keys());
                    add(families, "redis_db_keys_expiring", with(labels, "db", db), k.expires());
                });
            }
            add(families, "redis_connected_clients", labels, s.server().clients());
            add(families, "cachectl_hit_ratio", labels, s.server().hitRatioInterval() != null ? s.server().hitRatioInterval() : s.server().hitRatio());
            add(families, "cachectl_idle_seconds", labels, s.idle().idleSeconds());
            namespaces.of(s.name()).forEach((ns, bytes) ->
                    add(families, "cachectl_namespace_memory_bytes", with(labels, "namespace", ns), bytes));
            if (s.nodes() != null) {
                for (NodeStatus n : s.nodes()) {
                    node(families, with(with(labels, "node", n.host() + ":" + n.port()), "role", n.role()), n);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.samples().isEmpty()) {
                continue;
            }
            out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            f.samples().forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    /** A cluster node's series: those of an instance, but for the cachectl_* ones. */
    private static void node(Map<String, Family> families, Map<String, String> node, NodeStatus n) {
        add(families, "redis_up", node, n.up() ? 1 : 0);
        NodeStatus.Metrics m = n.metrics();
        if (m == null) {
            return;
        }
        add(families, "redis_memory_used_bytes", node, n.usedMemory());
        add(families, "redis_memory_max_bytes", node, m.maxmemory());
        counters(families, node, m.hits(), m.misses(), m.evicted(), m.expired(), m.commands());
        // a cluster keeps its keys in db0
        add(families, "redis_db_keys", with(node, "db", "db0"), n.keys());
        add(families, "redis_db_keys_expiring", with(node, "db", "db0"), m.expiringKeys());
        add(families, "redis_connected_clients", node, m.clients());
    }

    private static void counters(Map<String, Family> families, Map<String, String> labels, Long hits, Long misses,
                                 Long evicted, Long expired, Long commands) {
        add(families, "redis_keyspace_hits_total", labels, hits);
        add(families, "redis_keyspace_misses_total", labels, misses);
        add(families, "redis_evicted_keys_total", labels, evicted);
        add(families, "redis_expired_keys_total", labels, expired);
        add(families, "redis_commands_processed_total", labels, commands);
    }

    private static void mongo(Map<String, Family> families, InstanceStatus s, Map<String, String> labels,
                              NamespaceMemory namespaces) {
        add(families, "mongodb_up", labels, s.up() ? 1 : 0);
        if (!s.up()) {
            return;
        }
        MongoDetails.Mongo m = s.details() instanceof MongoDetails d ? d.mongo() : null;
        add(families, "mongodb_memory_resident_bytes", labels, m == null ? null : m.residentBytes());
        add(families, "mongodb_connections", labels, s.server().clients());
        add(families, "mongodb_operations_total", labels, s.server().commandsProcessed());
        if (m != null && m.databases() != null) {
            for (MongoDetails.Database db : m.databases()) {
                add(families, "mongodb_db_documents", with(labels, "db", db.name()), db.documents());
                add(families, "mongodb_db_data_bytes", with(labels, "db", db.name()), db.dataSize());
            }
        }
        if (m != null && m.cache() != null) {
            add(families, "mongodb_cache_used_bytes", labels, m.cache().usedBytes());
            add(families, "mongodb_cache_max_bytes", labels, m.cache().maxBytes());
        }
        add(families, "cachectl_hit_ratio", labels, s.server().hitRatioInterval() != null ? s.server().hitRatioInterval() : s.server().hitRatio());
        add(families, "cachectl_idle_seconds", labels, s.idle().idleSeconds());
    }

    private static void gauge(Map<String, Family> families, String name, String help) {
        families.put(name, new Family(name, "gauge", help, new ArrayList<>()));
    }

    private static void counter(Map<String, Family> families, String name, String help) {
        families.put(name, new Family(name, "counter", help, new ArrayList<>()));
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(name, value);
        return more;
    }

    /** One sample; none when the value is unknown (a metric the instance does not report). */
    private static void add(Map<String, Family> families, String name, Map<String, String> labels, Number value) {
        if (value == null) {
            return;
        }
        List<String> pairs = new ArrayList<>();
        labels.forEach((k, v) -> pairs.add(k + "=\"" + escapeLabel(v) + "\""));
        families.get(name).samples().add(name + "{" + String.join(",", pairs) + "} " + number(value));
    }

    private static String number(Number value) {
        if (value instanceof Double d) {
            return d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "+Inf" : "-Inf") : String.format(Locale.ROOT, "%s", d);
        }
        return Long.toString(value.longValue());
    }

    private static String escapeLabel(String value) {
        return escape(value, s -> s.replace("\"", "\\\""));
    }

    private static String escapeHelp(String value) {
        return escape(value, Function.identity());
    }

    private static String escape(String value, Function<String, String> more) {
        return more.apply(value.replace("\\", "\\\\").replace("\n", "\\n"));
    }
}
