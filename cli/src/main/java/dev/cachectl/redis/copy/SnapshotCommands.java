package dev.cachectl.redis.copy;

import dev.cachectl.redis.resp.RespWriter;

import java.nio.charset.StandardCharsets;

/**
 * The one-key commands a snapshot copy sends: a string as {@code SET key value [PXAT ms] [NX]} (its
 * absolute expiry, so no drift; {@code PX} with what is left when the target predates 6.2), anything
 * else as {@code RESTORE key ms payload [REPLACE] ABSTTL}. Without {@code replace}, NX and no
 * REPLACE: an existing key answers nil or BUSYKEY and is left alone.
 */
final class SnapshotCommands {
    private static final byte[] SET = ascii("SET");
    private static final byte[] RESTORE = ascii("RESTORE");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] PX = ascii("PX");
    private static final byte[] NX = ascii("NX");
    private static final byte[] REPLACE = ascii("REPLACE");
    private static final byte[] ABSTTL = ascii("ABSTTL");

    private SnapshotCommands() {
    }

    static void write(RespWriter out, SnapshotEntry e, boolean replace, boolean pxat) {
        if (e.value() != null) {
            set(out, e, replace, pxat);
        } else {
            restore(out, e, replace);
        }
    }

    private static void set(RespWriter out, SnapshotEntry e, boolean replace, boolean pxat) {
        boolean ttl = e.expireAt() != 0;
        out.array(3 + (ttl ? 2 : 0) + (replace ? 0 : 1));
        out.bulk(SET);
        out.bulk(e.targetKey());
        out.bulk(e.value());
        if (ttl) {
            out.bulk(pxat ? PXAT : PX);
            out.bulk(pxat ? e.expireAt() : Math.max(1, e.expireAt() - System.currentTimeMillis()));
        }
        if (!replace) {
            out.bulk(NX);
        }
    }

    private static void restore(RespWriter out, SnapshotEntry e, boolean replace) {
        out.array(replace ? 6 : 5);
        out.bulk(RESTORE);
        out.bulk(e.targetKey());
        out.bulk(e.expireAt());
        out.bulk(e.payload());
        if (replace) {
            out.bulk(REPLACE);
        }
        out.bulk(ABSTTL);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
