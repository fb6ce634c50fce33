package dev.cachectl.status.analyze;

import dev.cachectl.batch.RateLimiter;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.OwnReads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code status --analyze}: reads a sample of an instance's keys (or all of them), spread over its servers
 * and dbs in proportion to their key counts, and estimates where the memory goes. The keyspace hits and
 * misses its reads cause are recorded in {@link OwnReads}, so that they stay out of the hit ratio.
 */
public final class Analyzer {
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
        List<ShardTally> shards = new ArrayList<>();
        for (KeyspaceSource.Server server : servers) {
            long hits = 0;
            long misses = 0;
            try {
                for (Map.Entry<Integer, Long> db : server.dbKeys().entrySet()) {
                    ShardTally tally = new ShardTally(server.address(), db.getKey(), db.getValue(), names, settings.top());
                    shards.add(tally);
                    try {
                        source.read(server, db.getKey(), settings.quota(db.getValue(), total), tally, rate);
                    } finally {
                        hits += tally.hits;
                        misses += tally.misses;
                    }
                }
            } finally {
                ownReads.add(server.address(), server.runId(), hits, misses);
            }
        }
        long usedMemory = servers.stream().mapToLong(KeyspaceSource.Server::usedMemory).sum();
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Estimate(shards, settings.full() || settings.sample() >= total).analysis(settings, usedMemory, millis);
    }
}
