package dev.cachectl.mongo;

import dev.cachectl.CachectlException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command lines that start a managed MongoDB server in the foreground (the lifecycle detaches it and sends
 * its output to the instance's server.log): a real {@code mongod}, or cachectl's embedded server
 * ({@link EmbeddedMongoMain}) in a JVM of its own. Both bind 127.0.0.1 only.
 */
final class MongoCommands {
    /** mongod refuses a WiredTiger cache under 0.25 GB. */
    static final long MIN_WIRED_TIGER_CACHE = 256L * 1024 * 1024;
    /** The embedded server's heap when --maxmemory does not set it: enough for small test data sets. */
    static final long EMBEDDED_DEFAULT_HEAP = 256L * 1024 * 1024;
    static final long MIN_EMBEDDED_HEAP = 32L * 1024 * 1024;
    private static final double GB = 1024.0 * 1024 * 1024;

    private MongoCommands() {
    }

    /** {@code mongod --dbpath DATA --port N --bind_ip 127.0.0.1 [--wiredTigerCacheSizeGB X]}; its log goes to stdout. */
    static List<String> mongod(Path binary, int port, Path dataDir, Long maxmemory) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--dbpath", dataDir.toString(),
                "--port", Integer.toString(port), "--bind_ip", "127.0.0.1"));
        if (maxmemory != null && maxmemory > 0) {
            command.add("--wiredTigerCacheSizeGB");
            command.add(String.format(Locale.ROOT, "%.2f", Math.max(maxmemory, MIN_WIRED_TIGER_CACHE) / GB));
        }
        return command;
    }

    /**
     * The embedded server in a small JVM tuned for a fast start (C1 only, serial GC, a class-data archive of its
     * classes when there is one, else the JDK's); {@code maxmemory} is its heap, which bounds what the memory
     * backend holds. With {@code store} (a --persist instance) it keeps its data in that H2 file.
     */
    static List<String> embedded(Path java, String classPath, int port, Path store, Long maxmemory, Path archive) {
        long heap = maxmemory == null || maxmemory == 0 ? EMBEDDED_DEFAULT_HEAP : maxmemory;
        // Whatever a client writes stays in the heap (the memory backend keeps it): the whole heap from the start
        // (reserved; pages are only touched as data arrives) spares the full collections that grow it step by step,
        // and a young generation of an eighth keeps each young collection, which copies what was written since
        // the last one, short. scripts/bench/mongo, 500k documents into one server: GC CPU 12.6 -> 8.3 s, no full GC.
        long young = Math.max(heap / 8, Math.min(heap / 3, MIN_EMBEDDED_HEAP));
        // a server whose heap is full (more data than --maxmemory) exits, saying so in its log, rather than live on
        // unable to answer anything while its collector burns CPU: status then says it is down
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + heap / 1024 + "k",
                "-Xms" + heap / 1024 + "k", "-Xmn" + young / 1024 + "k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError"));
        if (archive != null) {
            // -Xshare:auto: an archive that does not map (another JVM, say) only costs speed
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-cp", classPath, EmbeddedMongoMain.class.getName(), "--port", Integer.toString(port)));
        if (store != null) {
            command.add("--store");
            command.add(store.toString());
        }
        return command;
    }

    static void checkMaxmemory(Long maxmemory, boolean embedded) {
        if (maxmemory == null || maxmemory == 0) {
            return;
        }
        long min = embedded ? MIN_EMBEDDED_HEAP : MIN_WIRED_TIGER_CACHE;
        if (maxmemory < min) {
            throw CachectlException.usage("maxmemory " + maxmemory + " bytes is too small for "
                    + (embedded ? "the embedded mongo server's heap (use at least 32mb)" : "mongod's WiredTiger cache (use at least 256mb)"));
        }
    }
}
