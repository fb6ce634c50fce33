package dev.cachectl.migrate;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.JedisBinaryCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --delete-source}: a move. A source key is deleted only when the target acknowledged it and
 * the source value is still the one that was copied; a key written to meanwhile stays, so a move
 * never loses an update. For dumped keys the check and the delete are one script on the source.
 */
final class SourceDeletion {
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
        Optional<ValueDigest.Digest> a = ValueDigest.of(source, key, DIGEST_CHUNK);
        Optional<ValueDigest.Digest> b = ValueDigest.of(target, targetKey, DIGEST_CHUNK);
        if (a.isPresent() && a.equals(b) && source.del(key) == 1) {
            counters.deletedFromSource.increment();
        }
    }
}
