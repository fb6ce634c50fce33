package dev.cachectl.redis.copy;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.commands.JedisBinaryCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --delete-source}: a move. A source key is deleted only when the target acknowledged it and
 * the source value is still the one that was copied; a key written to meanwhile stays, so a move
 * never loses an update. For dumped keys the check and the delete are one script on the source; for keys
 * copied type by type the source key is WATCHed while the digests are compared, and deleted in MULTI/EXEC,
 * which a write in between aborts. {@code rebalance} deletes the big keys it copies in chunks the same way.
 */
public final class SourceDeletion {
    /** How far apart the TTLs of source and copy may be (the copy's expiry is set from a PTTL read earlier). */
    static final long TTL_SLACK_MILLIS = 1000;
    private static final byte[] DELETE_IF_UNCHANGED = ("if redis.call('DUMP', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0").getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_CHUNK = 1000;

    record Copied(byte[] key, byte[] payload) {
    }

    private SourceDeletion() {
    }

    static void deleteUnchanged(Jedis source, List<Copied> copied, Counters counters) {
        Pipeline p = source.pipelined();
        List<Response<Object>> replies = new ArrayList<>(copied.size());
        for (Copied c : copied) {
            replies.add(p.eval(DELETE_IF_UNCHANGED, 1, c.key(), c.payload()));
        }
        p.sync();
        for (Response<Object> reply : replies) {
            if (Long.valueOf(1).equals(reply.get())) {
                counters.deletedFromSource.increment();
            }
        }
    }

    /** For keys copied type by type: compare digests of source and target, then delete. */
    static void deleteIfEqual(Jedis source, byte[] key, JedisBinaryCommands target, byte[] targetKey, Counters counters) {
        if (deleteIfSame(source, key, target, targetKey, false)) {
            counters.deletedFromSource.increment();
        }
    }

    /**
     * Deletes {@code key} from the source only when its value (and, with {@code withTtl}, its TTL, within
     * {@link #TTL_SLACK_MILLIS}) equals the target's copy: the key is WATCHed on the source before it is read,
     * and the DEL is sent in MULTI/EXEC, so a write between the comparison and the delete aborts it. False when
     * the key was not deleted (the values or TTLs differ, the key is gone, or it changed after the WATCH).
     */
    public static boolean deleteIfSame(Jedis source, byte[] key, JedisBinaryCommands target, byte[] targetKey,
                                       boolean withTtl) {
        source.watch(key);
        boolean same;
        try {
            Optional<ValueDigest.Digest> a = ValueDigest.of(source, key, DIGEST_CHUNK);
            Optional<ValueDigest.Digest> b = ValueDigest.of(target, targetKey, DIGEST_CHUNK);
            same = a.isPresent() && a.equals(b) && (!withTtl || sameTtl(source.pttl(key), target.pttl(targetKey)));
        } catch (RuntimeException e) {
            try {
                source.unwatch(); // else a later EXEC on this connection would see this key's writes
            } catch (RuntimeException also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        if (!same) {
            source.unwatch();
            return false;
        }
        Transaction multi = source.multi();
        multi.del(key);
        List<Object> done = multi.exec();
        return done != null && !done.isEmpty() && Long.valueOf(1).equals(done.get(0));
    }

    private static boolean sameTtl(long source, long target) {
        return source < 0 || target < 0 ? source == target : Math.abs(source - target) <= TTL_SLACK_MILLIS;
    }
}
