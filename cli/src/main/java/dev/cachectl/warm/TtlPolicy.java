package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.util.Durations;
import dev.cachectl.warm.source.MalformedRecordException;
import dev.cachectl.warm.source.SourceRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TTL of each key: a fixed duration, or a record field holding seconds from now or an absolute
 * ISO-8601 time (the fixed one applies where the field is absent), then spread by a jitter so that
 * a warmed set does not expire all in the same second. The jitter is a share of the TTL ({@code 10%}:
 * anywhere from 0.9× to 1.1×) or a duration ({@code 5m}: up to five minutes either way).
 *
 * <p>A jitter never makes a key expire at once, which a key written with a TTL of 0 or less would:
 * a share must be below 100%; a duration must be shorter than a fixed TTL ({@code --ttl} or a
 * category's {@code ttl}), a usage error otherwise, raised before anything is written. A TTL read
 * from a record cannot be checked ahead, so there a duration jitter spreads by at most half that
 * record's TTL ({@link #MAX_RECORD_SPREAD}): the key lives at least half the time its record asks
 * for. Half, because a spread of ±TTL/2 already scatters the expiries across a whole TTL; more would
 * only make keys short-lived.
 */
public final class TtlPolicy {
    /** What {@link #millis} returns for a record whose expiry has already passed. */
    public static final long EXPIRED = -1;
    /** The largest share of a record's own TTL that a duration jitter may take from or add to it. */
    static final double MAX_RECORD_SPREAD = 0.5;

    private final long fixedMillis;
    private final String field;
    private final double jitterShare;
    private final long jitterMillis;

    private TtlPolicy(long fixedMillis, String field, double jitterShare, long jitterMillis) {
        this.fixedMillis = fixedMillis;
        this.field = field;
        this.jitterShare = jitterShare;
        this.jitterMillis = jitterMillis;
    }

    /**
     * From option or config text; {@code what} names the job, if any, in errors, and {@code ttlName} and
     * {@code jitterName} the TTL and the jitter as they were given ("--ttl", or a category's "the ttl of category 'x'").
     */
    public static TtlPolicy of(String ttl, String field, String jitter, String what, String ttlName, String jitterName) {
        long fixed = 0;
        if (ttl != null) {
            fixed = parseDuration(ttl, ttlName, what).toMillis();
            if (fixed <= 0) {
                throw CachectlException.usage(what + ttlName + " must be more than 0 (leave it out for keys without expiry)");
            }
        }
        double share = 0;
        long jitterMs = 0;
        if (jitter != null) {
            if (ttl == null && field == null) {
                throw CachectlException.usage(what + jitterName
                        + " needs a TTL to spread: add --ttl, --ttl-field or a category with a ttl");
            }
            String j = jitter.trim();
            if (j.endsWith("%")) {
                try {
                    share = Double.parseDouble(j.substring(0, j.length() - 1).trim()) / 100;
                } catch (NumberFormatException e) {
                    share = -1;
                }
                if (!(share >= 0 && share < 1)) {
                    throw CachectlException.usage(what + jitterName + " '" + jitter
                            + "': a percentage from 0% to below 100%, or a duration");
                }
            } else {
                jitterMs = parseDuration(j, jitterName, what).toMillis();
                if (fixed > 0 && jitterMs >= fixed) {
                    throw CachectlException.usage(what + jitterName + " " + j + " is not shorter than the TTL " + ttl.trim()
                            + " it spreads: some keys would expire at once; give a shorter jitter or a percentage such as 10%");
                }
            }
        }
        return new TtlPolicy(fixed, field == null || field.isBlank() ? null : field, share, jitterMs);
    }

    private static Duration parseDuration(String text, String option, String what) {
        try {
            return Durations.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(what + option + " '" + text + "': " + e.getMessage());
        }
    }

    public String field() {
        return field;
    }

    /** Milliseconds to live, 0 for no expiry, or {@link #EXPIRED}. */
    public long millis(SourceRecord record) {
        if (field != null) {
            String v = record.field(field);
            if (v != null && !v.isBlank()) {
                long base = fromField(v.trim());
                if (base <= 0) {
                    return EXPIRED;
                }
                if (base > Durations.LONGEST.toMillis()) {
                    // as --ttl is: the server refuses an expiry past what it can hold, and a hash's MULTI would then
                    // have written the hash without one
                    throw new MalformedRecordException("TTL field '" + field + "' is more than 100 years away: '" + shown(v) + "'");
                }
                long spread = jitterShare > 0 ? (long) (base * jitterShare) : Math.min(jitterMillis, (long) (base * MAX_RECORD_SPREAD));
                return jittered(base, spread);
            }
        }
        if (fixedMillis == 0) {
            return 0;
        }
        // of() saw to it that a duration jitter is shorter than the fixed TTL
        return jittered(fixedMillis, jitterShare > 0 ? (long) (fixedMillis * jitterShare) : jitterMillis);
    }

    private long fromField(String v) {
        char first = v.charAt(0);
        if (first == '-' || first == '+' || first == '.' || Character.isDigit(first) && !v.contains("T")) {
            try {
                return Math.round(Double.parseDouble(v) * 1000);
            } catch (NumberFormatException e) {
                throw badField(v);
            }
        }
        try {
            Instant at = v.endsWith("Z") ? Instant.parse(v) : OffsetDateTime.parse(v).toInstant();
            return at.toEpochMilli() - System.currentTimeMillis();
        } catch (DateTimeParseException e) {
            throw badField(v);
        }
    }

    private MalformedRecordException badField(String v) {
        return new MalformedRecordException("TTL field '" + field + "' is neither seconds nor an ISO-8601 time: '" + shown(v) + "'");
    }

    private static String shown(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }

    /** {@code base} moved by up to {@code spread} either way; a spread below {@code base} keeps it above 0. */
    private static long jittered(long base, long spread) {
        if (spread <= 0) {
            return base;
        }
        return base + ThreadLocalRandom.current().nextLong(-spread, spread + 1);
    }
}
