package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;
import redis.clients.jedis.Protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Redis commands a warm sends. A hash is replaced as a whole (not merged into what was there),
 * atomically and with its TTL, in MULTI/EXEC; with NX a script writes it only when the key does not
 * exist. A server full under {@code noeviction} refuses both as it refuses a SET, on Redis 6.2 and 7.
 */
final class Commands {
    static final byte[] PX = bytes("PX");
    static final byte[] NX = bytes("NX");
    static final byte[] ONE = bytes("1");
    /** The most commands one write takes: MULTI, DEL, HSET, PEXPIRE, EXEC. */
    static final int MOST_PER_OP = 5;

    /**
     * With NX, the hash and its TTL when the key does not exist. HSET must be the script's first write:
     * Redis checks maxmemory on that one only (a script is not stopped half-way), so a script that began
     * with a DEL wrote on past maxmemory. (A {@code #!lua} shebang would have Redis 7 refuse the whole script
     * when full, but 6.2 cannot compile one.) EXISTS counts as a keyspace hit or miss, so the sinks report
     * each run of it as a lookup of the warm's own ({@link BatchResult#lookups}). The fields go in HSETs of 500:
     * Lua's unpack takes at most about 8,000 values, and a record of 4,000 fields failed.
     */
    static final byte[] HASH_NX_SCRIPT = bytes("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            for i = 2, #ARGV, 1000 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            local ttl = tonumber(ARGV[1])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
            return 1""");
    private static final byte[] LOAD = bytes("LOAD");
    private static final String EXEC_ABORTED = "EXECABORT Transaction discarded because of: ";

    /** One command: its name and arguments. */
    record Command(Protocol.Command name, byte[]... args) {
    }

    /**
     * {@link #HASH_NX_SCRIPT}'s hash, and the command that loads it, made at the first hash written with NX:
     * SHA-1 wakes the JDK's security providers, which took 8-10 ms of every warm's start.
     */
    private static final class NxScript {
        static final byte[] SHA = sha1(HASH_NX_SCRIPT);
        static final Command LOAD_COMMAND = new Command(Protocol.Command.SCRIPT, LOAD, HASH_NX_SCRIPT);
    }

    /**
     * Loads {@link #HASH_NX_SCRIPT}: sent before a batch's first EVALSHA of it on a connection, so each
     * write sends the script's hash instead of its text, and a SCRIPT FLUSH between batches does not
     * leave the next one without it (one during a batch fails its writes with NOSCRIPT, counted as failed).
     */
    static Command loadNxScript() {
        return NxScript.LOAD_COMMAND;
    }

    private Commands() {
    }

    /** SET key value [PX ms] [NX]. */
    static byte[][] setArgs(WriteOp op, boolean nx) {
        int n = 2 + (op.ttlMillis() > 0 ? 2 : 0) + (nx ? 1 : 0);
        byte[][] args = new byte[n][];
        args[0] = op.key();
        args[1] = op.value().toArray();
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

    /**
     * The commands that write a hash; the last one's reply says how it went. Without NX: MULTI, DEL, HSET,
     * [PEXPIRE], EXEC. A full server refuses every command queued in a MULTI, so the EXEC is aborted and
     * nothing is written, while a script's HSET after its DEL would not be checked against maxmemory.
     * With NX: EVALSHA of {@link #HASH_NX_SCRIPT} 1 key ttl field value…, after {@link #loadNxScript}.
     */
    static List<Command> hash(WriteOp op, boolean nx) {
        byte[][] fields = op.hash();
        if (nx) {
            byte[][] args = new byte[4 + fields.length][];
            args[0] = NxScript.SHA;
            args[1] = ONE;
            args[2] = op.key();
            args[3] = number(op.ttlMillis());
            System.arraycopy(fields, 0, args, 4, fields.length);
            return List.of(new Command(Protocol.Command.EVALSHA, args));
        }
        byte[][] hset = new byte[1 + fields.length][];
        hset[0] = op.key();
        System.arraycopy(fields, 0, hset, 1, fields.length);
        List<Command> commands = new ArrayList<>(MOST_PER_OP);
        commands.add(new Command(Protocol.Command.MULTI));
        commands.add(new Command(Protocol.Command.DEL, op.key()));
        commands.add(new Command(Protocol.Command.HSET, hset));
        if (op.ttlMillis() > 0) {
            commands.add(new Command(Protocol.Command.PEXPIRE, op.key(), number(op.ttlMillis())));
        }
        commands.add(new Command(Protocol.Command.EXEC));
        return commands;
    }

    /**
     * A write's error as the command that failed reads on its own, so that a full server reads the same for
     * a hash as for a string: the error of the command inside {@link #HASH_NX_SCRIPT} (Redis 7 appends
     * "script: SHA, on @user_script:2.", 6.2 wraps it in "Error running script (call to f_SHA): …: -"), and
     * the reason Redis 7 gives for refusing an EXEC itself, when the server was full by the time it came.
     */
    static String reason(String error) {
        if (ranScript(error)) {
            int wrapped = error.lastIndexOf(": -");
            if (wrapped > 0) {
                return error.substring(wrapped + 3);
            }
            int where = error.lastIndexOf(" script: ");
            return where > 0 ? error.substring(0, where) : error;
        }
        return error.startsWith(EXEC_ABORTED) ? error.substring(EXEC_ABORTED.length()) : error;
    }

    /** Whether {@code error} came from inside {@link #HASH_NX_SCRIPT}, after its EXISTS looked the key up. */
    static boolean ranScript(String error) {
        return error.contains("@user_script");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sha1(byte[] script) {
        try {
            return bytes(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
