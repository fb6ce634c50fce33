package dev.cachectl.redis;

import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ServerSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The redis.conf of a managed instance. Loopback only, protected mode on, persistence off unless
 * asked for (then RDB snapshots and an AOF in the data dir). The password lives here, in a 0600
 * file, so it never appears on a command line where {@code ps} would show it.
 */
final class RedisConf {
    static final String CLUSTER_CONFIG = "nodes.conf";
    static final int NODE_TIMEOUT_MILLIS = 5000;

    private RedisConf() {
    }

    static String render(String instance, ServerSettings settings, int port, InstanceLayout layout) {
        StringBuilder c = new StringBuilder();
        c.append("# Written by cachectl for instance '").append(instance)
                .append("'; rewritten at every start, so change settings with cachectl, not here.\n");
        c.append("bind 127.0.0.1\n");
        if (settings.tls()) {
            // TLS only: no plain-text port at all
            Path tls = layout.tlsDir();
            c.append("port 0\n");
            c.append("tls-port ").append(port).append('\n');
            c.append("tls-cert-file ").append(quote(tls.resolve(TlsMaterial.CERT).toString())).append('\n');
            c.append("tls-key-file ").append(quote(tls.resolve(TlsMaterial.KEY).toString())).append('\n');
            c.append("tls-ca-cert-file ").append(quote(tls.resolve(TlsMaterial.CA_CERT).toString())).append('\n');
            c.append("tls-auth-clients no\n");
        } else {
            c.append("port ").append(port).append('\n');
        }
        c.append("protected-mode yes\n");
        c.append("daemonize no\n");
        // the server's stdout is the log file; cachectl redirects it there
        c.append("logfile \"\"\n");
        c.append("dir ").append(quote(layout.dataDir().toString())).append('\n');
        c.append("dbfilename dump.rdb\n");
        if (settings.persist()) {
            c.append("save 3600 1 300 100 60 10000\n");
            c.append("appendonly yes\n");
            c.append("appendfsync everysec\n");
        } else {
            c.append("save \"\"\n");
            c.append("appendonly no\n");
        }
        if (settings.maxmemory() != null) {
            c.append("maxmemory ").append(settings.maxmemory()).append('\n');
        }
        String policy = settings.get(ServerSettings.POLICY, String.class);
        if (policy != null) {
            c.append("maxmemory-policy ").append(policy).append('\n');
        }
        if (settings.password() != null) {
            c.append("requirepass ").append(quote(settings.password())).append('\n');
        }
        if (settings.cluster() != null) {
            appendCluster(c, settings, layout);
        }
        return c.toString();
    }

    /**
     * A cluster node: its cluster state file in its data dir, failure detection in seconds rather than
     * the default 15 (every node is on this machine), replicas that authenticate to their master with
     * the instance's password, and a master that starts a replica's first sync at once instead of
     * waiting 5 s for more replicas to join it.
     */
    private static void appendCluster(StringBuilder c, ServerSettings settings, InstanceLayout layout) {
        c.append("cluster-enabled yes\n");
        c.append("cluster-config-file ").append(quote(layout.dataDir().resolve(CLUSTER_CONFIG).toString())).append('\n');
        c.append("cluster-node-timeout ").append(NODE_TIMEOUT_MILLIS).append('\n');
        c.append("repl-diskless-sync-delay 0\n");
        if (settings.password() != null) {
            c.append("masterauth ").append(quote(settings.password())).append('\n');
        }
    }

    /** The port a config file written by {@link #render} listens on: its TLS port, else its port; empty when unreadable. */
    static OptionalInt port(Path configFile) {
        try {
            OptionalInt plain = OptionalInt.empty();
            for (String line : Files.readAllLines(configFile)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && (f[0].equals("tls-port") || f[0].equals("port")) && f[1].matches("\\d{1,5}")) {
                    int port = Integer.parseInt(f[1]);
                    if (f[0].equals("tls-port")) {
                        return OptionalInt.of(port);
                    }
                    plain = port == 0 ? plain : OptionalInt.of(port);
                }
            }
            return plain;
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Whether the cluster config a node wrote in its data dir gives any node a slot (or a slot moving): then the
     * cluster was formed and may hold keys. A node that never ran has no such file; one never joined lists only
     * itself, without slots. True when the file cannot be read.
     */
    static boolean clusterSlotsAssigned(InstanceLayout layout) {
        Path file = layout.dataDir().resolve(CLUSTER_CONFIG);
        if (!Files.exists(file)) {
            return false;
        }
        try {
            return ClusterNodes.parse(Files.readString(file), "127.0.0.1").stream().anyMatch(n -> !n.slots().isEmpty());
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Quoted the way redis.conf's parser reads strings back: backslash escapes inside double quotes. */
    static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '\\' -> q.append("\\\\");
                case '"' -> q.append("\\\"");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> q.append(ch);
            }
        }
        return q.append('"').toString();
    }
}
