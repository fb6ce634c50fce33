package dev.cachectl.redis.copy;

import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.UnitCopier;
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

/**
 * Reads one source node's db with SCAN, a batch of up to {@code --batch} keys at a time, its token the
 * cursor after it; the orchestrator queues batches to the workers, so memory stays bounded whatever the
 * keyspace size. A page the filters empty makes an empty batch, so the checkpoint cursor keeps moving.
 */
final class Scanner implements UnitCopier.Reader {
    private final CopyUnit unit;
    private final StreamProgress stream;
    private final KeySelection.Matcher matcher;
    private final KeySelection selection;
    private final ScanParams params;
    private final int unitKeys;
    private final Counters counters;
    private final Jedis jedis;
    private final Duration timeout;
    private String cursor;
    private boolean finished;

    Scanner(CopyUnit unit, StreamProgress stream, String cursor, KeySelection selection, int scanCount, int unitKeys,
            Counters counters, Duration timeout) {
        this.unit = unit;
        this.stream = stream;
        this.selection = selection;
        this.matcher = selection.matcher();
        this.params = params(selection, scanCount);
        this.unitKeys = unitKeys;
        this.counters = counters;
        this.cursor = cursor;
        this.timeout = timeout;
        this.jedis = ConnectionLoss.open("source", stream.node.endpoint().withDb(stream.db), timeout);
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

    @Override
    public UnitCopier.Batch next() {
        if (finished) {
            return null;
        }
        try {
            // pages are gathered up to --batch keys: a batch is what a worker copies in one round
            List<byte[]> keys = new ArrayList<>(unitKeys);
            do {
                ScanResult<byte[]> page = page(jedis, cursor, params, selection);
                keys.addAll(selected(page, matcher));
                cursor = page.getCursor();
            } while (keys.size() < unitKeys && !cursor.equals("0"));
            counters.scanned.add(keys.size());
            finished = cursor.equals("0");
            return new UnitCopier.Batch(unit, keys, 0, cursor);
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", stream.node.endpoint(), e, timeout);
        }
    }

    @Override
    public void close() {
        RedisClients.closeQuietly(jedis);
    }
}
