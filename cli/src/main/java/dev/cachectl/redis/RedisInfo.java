package dev.cachectl.redis;

import dev.cachectl.engine.ServerSample;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the text of {@code INFO} (any sections) into fields, and {@code INFO all} into a {@link ServerSample}. */
public final class RedisInfo {
    /**
     * Commands cachectl's own probes send. They do not count as client activity, so an instance
     * that only cachectl (or a health check) talks to is idle. In a cluster, replicas send REPLCONF
     * ACK to their master every second and cluster clients ask CLUSTER SLOTS to find their way:
     * neither is use of the cache.
     */
    static final Set<String> PROBE_COMMANDS = Set.of("info", "ping", "auth", "hello", "client", "select", "command",
            "quit", "shutdown", "cluster", "replconf", "psync", "sync");

    private final Map<String, String> fields;

    private RedisInfo(Map<String, String> fields) {
        this.fields = fields;
    }

    public static RedisInfo parse(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return new RedisInfo(fields);
    }

    public String get(String key) {
        return fields.get(key);
    }

    public long number(String key) {
        String v = fields.get(key);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return (long) Double.parseDouble(v);
        }
    }

    Double decimal(String key) {
        String v = fields.get(key);
        try {
            return v == null ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code db0:keys=1,expires=0,avg_ttl=0} lines, by db name ({@code db0}), in db order. */
    public Map<String, ServerSample.DbKeys> keyspace() {
        Map<String, ServerSample.DbKeys> dbs = new LinkedHashMap<>();
        fields.keySet().stream()
                .filter(k -> k.matches("db\\d+"))
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(2)), Integer.parseInt(b.substring(2))))
                .forEach(k -> {
                    Map<String, String> kv = pairs(fields.get(k));
                    dbs.put(k, new ServerSample.DbKeys(parseLong(kv.get("keys")), parseLong(kv.get("expires"))));
                });
        return dbs;
    }

    /**
     * Calls of every command but cachectl's probes, from {@code cmdstat_NAME:calls=N,…} lines
     * (Redis 7 names subcommands {@code cmdstat_client|setname}; the family decides).
     */
    long clientCommands() {
        long total = 0;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!e.getKey().startsWith("cmdstat_")) {
                continue;
            }
            String command = e.getKey().substring("cmdstat_".length());
            int bar = command.indexOf('|');
            String family = (bar < 0 ? command : command.substring(0, bar)).toLowerCase();
            if (!PROBE_COMMANDS.contains(family)) {
                total += parseLong(pairs(e.getValue()).get("calls"));
            }
        }
        return total;
    }

    /** The sample this INFO makes; {@code clusterState} from CLUSTER INFO (null outside a cluster). */
    ServerSample toSample(long takenAtMillis, String clusterState) {
        Long fragmentationBytes = fields.containsKey("mem_fragmentation_bytes") ? number("mem_fragmentation_bytes") : null;
        RedisDetails details = new RedisDetails(get("role"), get("maxmemory_policy"), decimal("mem_fragmentation_ratio"),
                fragmentationBytes, keyspace(), number("evicted_keys"), number("expired_keys"), clusterState);
        return new ServerSample(
                takenAtMillis,
                get("redis_version"),
                number("process_id"),
                get("run_id"),
                number("uptime_in_seconds"),
                number("used_memory"),
                number("maxmemory"),
                clients(),
                number("instantaneous_ops_per_sec"),
                number("total_commands_processed"),
                clientCommands(),
                number("keyspace_hits"),
                number("keyspace_misses"),
                details);
    }

    /**
     * connected_clients less a replica's link to its master, which it counts as a client (a master leaves its
     * replicas' links out): the server's own replication, not an application's connection.
     */
    private long clients() {
        long link = "slave".equals(get("role")) && "up".equals(get("master_link_status")) ? 1 : 0;
        return Math.max(0, number("connected_clients") - link);
    }

    private static Map<String, String> pairs(String value) {
        Map<String, String> kv = new HashMap<>();
        if (value == null) {
            return kv;
        }
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
