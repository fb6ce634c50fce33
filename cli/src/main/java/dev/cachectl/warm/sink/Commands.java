package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.nio.charset.StandardCharsets;

/**
 * The Redis commands a warm sends. A hash is replaced as a whole (not merged into what was there),
 * atomically and with its TTL, by one script; with NX it is left alone when the key exists.
 */
final class Commands {
    static final byte[] PX = bytes("PX");
    static final byte[] NX = bytes("NX");
    static final byte[] ONE = bytes("1");
    static final byte[] YES = bytes("1");
    static final byte[] NO = bytes("0");
    static final byte[] HASH_SCRIPT = bytes("""
            if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            local ttl = tonumber(ARGV[2])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
            return 1""");

    private Commands() {
    }

    /** SET key value [PX ms] [NX]. */
    static byte[][] setArgs(WriteOp op, boolean nx) {
        int n = 2 + (op.ttlMillis() > 0 ? 2 : 0) + (nx ? 1 : 0);
        byte[][] args = new byte[n][];
        args[0] = op.key();
        args[1] = op.value();
        int i = 2;
        if (op.ttlMillis() > 0) {
            args[i++] = PX;
            args[i++] = number(op.ttlMillis());
        }
        if (nx) {
            args[i] = NX;
        }
        return args;
    }

    /** EVAL script 1 key nx ttl field value…: the script replaces the hash (see {@link #HASH_SCRIPT}). */
    static byte[][] hashArgs(WriteOp op, boolean nx) {
        byte[][] args = new byte[5 + op.hash().length][];
        args[0] = HASH_SCRIPT;
        args[1] = ONE;
        args[2] = op.key();
        args[3] = nx ? YES : NO;
        args[4] = number(op.ttlMillis());
        System.arraycopy(op.hash(), 0, args, 5, op.hash().length);
        return args;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
