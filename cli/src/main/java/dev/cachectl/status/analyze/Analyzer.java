package dev.cachectl.status.analyze;

import dev.cachectl.batch.RateLimiter;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.OwnReads;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code status --analyze}: reads a sample of an instance's keys (or all of them), spread over its servers
 * and dbs in proportion to their key counts, and estimates where the memory goes. The keyspace hits and
 * misses its reads cause are recorded in {@link OwnReads}, so that they stay out of the hit ratio.
 */
public final class Analyzer {
    private static final int MAX_PARALLEL = 8;
    private final AnalysisSettings settings;
    private final OwnReads ownReads;

    public Analyzer(AnalysisSettings settings, OwnReads ownReads) {
        this.settings = settings;
        this.ownReads = ownReads;
    }

    public Analysis analyze(Endpoint endpoint) {
        return analyze(new RedisKeyspace(endpoint, settings));
    }

    Analysis analyze(KeyspaceSource source) {
        long started = System.nanoTime();
        List<KeyspaceSource.Server> servers = source.servers();
        long total = servers.stream().flatMap(s -> s.dbKeys().values().stream()).mapToLong(Long::longValue).sum();
        RateLimiter rate = settings.rate() > 0 ? RateLimiter.perSecond(settings.rate()) : null;
        Namespaces names = new Namespaces(settings.delimiter(), settings.depth());
        // masters of a cluster are read at once, each on its own connections; the dbs of one server in turn
        List<Future<List<ShardTally>>> reads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, Math.max(1, servers.size())), r -> {
            Thread t = new Thread(r, "analyze");
            t.setDaemon(true);
            return t;
        });
        try {
            for (KeyspaceSource.Server server : servers) {
                reads.add(pool.submit(() -> read(source, server, total, rate, names)));
            }
            List<ShardTally> shards = new ArrayList<>();
            for (Future<List<ShardTally>> read : reads) {
                shards.addAll(join(read));
            }
            long usedMemory = servers.stream().mapToLong(KeyspaceSource.Server::usedMemory).sum();
            long millis = (System.nanoTime() - started) / 1_000_000;
            return new Estimate(shards, settings.full() || settings.sample() >= total).analysis(settings, usedMemory, millis);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The dbs of one server; what its reads cost in keyspace hits goes to the ledger, whatever happens. */
    private List<ShardTally> read(KeyspaceSource source, KeyspaceSource.Server server, long total, RateLimiter rate,
                                  Namespaces names) {
        List<ShardTally> shards = new ArrayList<>();
        try {
            for (Map.Entry<Integer, Long> db : server.dbKeys().entrySet()) {
                ShardTally tally = new ShardTally(server.address(), db.getKey(), db.getValue(), names, settings.top());
                shards.add(tally);
                source.read(server, db.getKey(), settings.quota(db.getValue(), total), tally, rate);
            }
        } finally {
            synchronized (ownReads) { // one writer of the ledger per process: its file lock is per process
                ownReads.add(server.address(), server.runId(), shards.stream().mapToLong(t -> t.hits).sum(),
                        shards.stream().mapToLong(t -> t.misses).sum());
            }
        }
        return shards;
    }

    private static List<ShardTally> join(Future<List<ShardTally>> read) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "the analysis was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw CachectlException.failed("the analysis failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
