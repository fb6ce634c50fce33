package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * Walks one source node's dbs with SCAN and feeds pages to the workers through a bounded queue,
 * so memory stays bounded whatever the keyspace size: the scanner waits when workers lag.
 * A page the filters empty is acknowledged at once, so the checkpoint cursor keeps moving.
 */
final class Scanner {
    private final List<StreamProgress> streams;
    private final KeySelection selection;
    private final int scanCount;
    private final int unitKeys;
    private final BlockingQueue<Unit> queue;
    private final BooleanSupplier stopping;
    private final Counters counters;

    Scanner(List<StreamProgress> streams, KeySelection selection, int scanCount, int unitKeys, BlockingQueue<Unit> queue,
            BooleanSupplier stopping, Counters counters) {
        this.streams = streams;
        this.selection = selection;
        this.scanCount = scanCount;
        this.unitKeys = unitKeys;
        this.queue = queue;
        this.stopping = stopping;
        this.counters = counters;
    }

    /** SCAN parameters with the filters the server can apply itself (one MATCH glob). */
    static ScanParams params(KeySelection selection, int scanCount) {
        ScanParams params = new ScanParams().count(scanCount);
        if (selection.scanMatch() != null) {
            params.match(selection.scanMatch());
        }
        return params;
    }

    /** One SCAN call, with TYPE when a single type is selected. */
    static ScanResult<byte[]> page(Jedis jedis, String cursor, ScanParams params, KeySelection selection) {
        byte[] at = cursor.getBytes(StandardCharsets.US_ASCII);
        return selection.scanType() == null ? jedis.scan(at, params)
                : jedis.scan(at, params, selection.scanType().getBytes(StandardCharsets.US_ASCII));
    }

    /** The page's keys that pass the filters SCAN could not apply. */
    static List<byte[]> selected(ScanResult<byte[]> page, KeySelection.Matcher matcher) {
        List<byte[]> keys = new ArrayList<>(page.getResult().size());
        for (byte[] key : page.getResult()) {
            if (matcher.test(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    void run() throws InterruptedException {
        try {
            scan();
        } catch (JedisException e) {
            // every stream of a scanner is on one node
            throw ConnectionLoss.of("source", streams.get(0).node.endpoint(), e);
        }
    }

    private void scan() throws InterruptedException {
        KeySelection.Matcher matcher = selection.matcher();
        ScanParams params = params(selection, scanCount);
        for (StreamProgress stream : streams) {
            if (stream.done()) {
                continue;
            }
            try (Jedis jedis = RedisClients.open(stream.node.endpoint().withDb(stream.db), Duration.ofSeconds(30))) {
                String cursor = stream.startCursor();
                do {
                    if (stopping.getAsBoolean()) {
                        return;
                    }
                    // pages are gathered up to --batch keys: a unit is what a worker copies in one round
                    List<byte[]> keys = new ArrayList<>(unitKeys);
                    do {
                        ScanResult<byte[]> page = page(jedis, cursor, params, selection);
                        keys.addAll(selected(page, matcher));
                        cursor = page.getCursor();
                    } while (keys.size() < unitKeys && !cursor.equals("0") && !stopping.getAsBoolean());
                    counters.scanned.add(keys.size());
                    long seq = stream.nextSeq();
                    if (cursor.equals("0")) {
                        stream.scanFinished(seq);
                    }
                    if (keys.isEmpty()) {
                        stream.ack(seq, cursor);
                    } else {
                        Unit unit = new Unit(stream, seq, keys, cursor);
                        // offer, not put: when the workers stop, a full queue must not hold the scanner forever
                        while (!queue.offer(unit, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            if (stopping.getAsBoolean()) {
                                return;
                            }
                        }
                    }
                } while (!cursor.equals("0"));
            }
        }
    }
}
