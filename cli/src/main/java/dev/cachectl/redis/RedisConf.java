package dev.cachectl.redis;

import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.lifecycle.InstanceSpec;

/**
 * The redis.conf of a managed instance. Loopback only, protected mode on, persistence off unless
 * asked for (then RDB snapshots and an AOF in the data dir). The password lives here, in a 0600
 * file, so it never appears on a command line where {@code ps} would show it.
 */
final class RedisConf {

    private RedisConf() {
    }

    static String render(InstanceSpec spec, int port, InstanceLayout layout) {
        StringBuilder c = new StringBuilder();
        c.append("# Written by cachectl for instance '").append(spec.name())
                .append("'; rewritten at every start, so change settings with cachectl, not here.\n");
        c.append("bind 127.0.0.1\n");
        c.append("port ").append(port).append('\n');
        c.append("protected-mode yes\n");
        c.append("daemonize no\n");
        // the server's stdout is the log file; cachectl redirects it there
        c.append("logfile \"\"\n");
        c.append("dir ").append(quote(layout.dataDir().toString())).append('\n');
        c.append("dbfilename dump.rdb\n");
        if (spec.persist()) {
            c.append("save 3600 1 300 100 60 10000\n");
            c.append("appendonly yes\n");
            c.append("appendfsync everysec\n");
        } else {
            c.append("save \"\"\n");
            c.append("appendonly no\n");
        }
        if (spec.maxmemory() != null) {
            c.append("maxmemory ").append(spec.maxmemory()).append('\n');
        }
        if (spec.policy() != null) {
            c.append("maxmemory-policy ").append(spec.policy()).append('\n');
        }
        if (spec.password() != null) {
            c.append("requirepass ").append(quote(spec.password())).append('\n');
        }
        return c.toString();
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
