package dev.cachectl.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies keys of any type between Redis servers with their TTLs: {@code PTTL} and {@code DUMP} from
 * the source, pipelined, then {@code RESTORE key ttl payload [REPLACE]} into the target's pipeline
 * (a server's or a cluster's). The TTL is sent relative, as read a moment before, so the copy does
 * not depend on the two servers' clocks agreeing. Connection failures are thrown to the caller;
 * a key's own failure (a payload the target's version cannot read, a wrong type) is reported per key.
 */
public final class KeyCopier {

    private KeyCopier() {
    }

    /** What became of each key: copied, skipped (it existed and {@code replace} was off), expired on the source, or failed. */
    public record Result(int copied, int skipped, int expired, List<Failure> failures) {
        public int failed() {
            return failures.size();
        }
    }

    public record Failure(byte[] key, String error) {
    }

    public static Result copy(Jedis source, List<byte[]> keys, boolean replace, AbstractPipeline target) {
        List<Response<Long>> ttls = new ArrayList<>(keys.size());
        List<Response<byte[]>> dumps = new ArrayList<>(keys.size());
        try (Pipeline read = source.pipelined()) {
            for (byte[] key : keys) {
                ttls.add(read.pttl(key));
                dumps.add(read.dump(key));
            }
            read.sync();
        }
        List<Response<String>> restores = new ArrayList<>(keys.size());
        List<byte[]> restored = new ArrayList<>(keys.size());
        int expired = 0;
        RestoreParams params = replace ? RestoreParams.restoreParams().replace() : RestoreParams.restoreParams();
        for (int i = 0; i < keys.size(); i++) {
            byte[] payload = dumps.get(i).get();
            long pttl = ttls.get(i).get();
            if (payload == null || pttl == -2) {
                expired++;
                continue;
            }
            restores.add(target.restore(keys.get(i), pttl < 0 ? 0 : pttl, payload, params));
            restored.add(keys.get(i));
        }
        target.sync();
        int copied = 0;
        int skipped = 0;
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < restores.size(); i++) {
            try {
                restores.get(i).get();
                copied++;
            } catch (JedisDataException e) {
                if (!replace && e.getMessage() != null && e.getMessage().startsWith("BUSYKEY")) {
                    skipped++;
                } else {
                    failures.add(new Failure(restored.get(i), e.getMessage()));
                }
            }
        }
        return new Result(copied, skipped, expired, failures);
    }
}
