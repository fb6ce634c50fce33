package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.migrate.UnitCopier;
import dev.cachectl.redis.copy.StructCopier.Outcome;
import dev.cachectl.redis.copy.StructCopier.Status;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import static dev.cachectl.redis.copy.StructCopier.LEASE_MILLIS;
import static dev.cachectl.redis.copy.StructCopier.quoted;

/**
 * The state of one key's copy: its writes go into a temporary key in the target key's hash slot,
 * which {@link #run} RENAMEs into place once every chunk is there, or deletes when the copy fails.
 * A {@link Loop} for the key's type does the reading and writing, through {@link #read},
 * {@link #write} and {@link #lease}.
 */
final class KeyCopy {
    /** Copies the source key's value chunk by chunk through a {@link KeyCopy}. */
    interface Loop {
        /** False when the source key was not there. */
        boolean copy(KeyCopy copy);
    }

    private final JedisBinaryCommands source;
    private final JedisBinaryCommands target;
    private final byte[] sourceKey;
    private final byte[] targetKey;
    private final String type;
    private final long expireAtMillis;
    private final boolean replace;
    /** Null, or whose temporary key this is: then a leftover of an earlier run may be there, and is emptied first. */
    private final TempKeys.Owner owner;
    private final BooleanSupplier stopping;
    private final List<String> notes = new ArrayList<>();
    /** Where writes go: the temporary key, or the target itself when the temporary key is not writable. */
    private byte[] dest;
    private boolean attempted;
    /** The target stopped answering: a clean-up there would only wait out the timeout again (a big key's lease ends it). */
    private boolean targetLost;
    private boolean written;
    private boolean leased;
    private boolean done;
    private int reads;
    private long elements;
    private long bytes;

    KeyCopy(JedisBinaryCommands source, JedisBinaryCommands target, byte[] sourceKey, byte[] targetKey,
            String type, long expireAtMillis, boolean replace, TempKeys.Owner owner, BooleanSupplier stopping) {
        this.source = source;
        this.target = target;
        this.sourceKey = sourceKey;
        this.targetKey = targetKey;
        this.type = type;
        this.expireAtMillis = expireAtMillis;
        this.replace = replace;
        this.owner = owner;
        this.stopping = stopping;
    }

    Outcome run(Loop loop) {
        dest = TempKeys.forKey(targetKey, owner);
        try (TempKeys.Claim claim = TempKeys.claim(dest, owner != null, stopping)) {
            return copy(loop);
        }
    }

    private Outcome copy(Loop loop) {
        try {
            boolean found = loop.copy(this);
            // one read is atomic; after several, the key may have gone (or been replaced) in between
            String now = !found || reads > 1 ? source.type(sourceKey) : type;
            return now.equals(type) && found ? finish() : vanished(now);
        } catch (SourceChanged e) {
            return vanished(source.type(sourceKey));
        } catch (JedisConnectionException | JedisClusterOperationException e) {
            targetLost = !sourceLost() && (e instanceof JedisConnectionException || e.getCause() == null
                    || e.getCause() instanceof JedisConnectionException);
            throw e;
        } finally {
            if (!done && attempted && !targetLost) {
                deleteQuietly(dest);
            }
        }
    }

    /** The source is one server's connection: broken when it was the one that failed. */
    private boolean sourceLost() {
        return source instanceof Jedis jedis && jedis.getConnection().isBroken();
    }

    byte[] sourceKey() {
        return sourceKey;
    }

    long elements() {
        return elements;
    }

    /** elements: for a string, 1 for the whole value; bytes: about the payload moved. */
    void count(long elements, long bytes) {
        this.elements += elements;
        this.bytes += bytes;
    }

    /** Something the operator should know about this key, reported in its {@link Outcome}. */
    void note(String note) {
        notes.add(note);
    }

    /** A read of the source key: one that finds it gone or of another type ends the copy as vanished. */
    <R> R read(Supplier<R> command) {
        reads++;
        try {
            return command.get();
        } catch (JedisDataException e) {
            if (isWrongType(e) || isNoSuchKey(e)) {
                throw new SourceChanged();
            }
            throw e;
        }
    }

    /**
     * A write to the destination. When the first one finds the temporary key forbidden (an ACL that
     * allows only the application's key patterns), the copy goes straight into the target instead.
     */
    <R> R write(Function<byte[], R> command) {
        attempted = true;
        if (written) {
            return command.apply(dest);
        }
        try {
            if (owner != null) {
                target.del(dest); // what a run of this job killed part way through this key left
            }
            R result = command.apply(dest);
            written = true;
            if (owner != null) {
                renew(); // from the first write on: a kill -9 before the next chunk leaves nothing for longer than the lease
            }
            return result;
        } catch (JedisDataException e) {
            if (dest == targetKey || !String.valueOf(e.getMessage()).contains("NOPERM")) {
                throw e;
            }
            notes.add(quoted(targetKey) + ": written in place, not through a temporary key ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); readers could see it partly copied");
            dest = targetKey;
            if (replace) {
                target.del(targetKey);
            }
            R result = command.apply(dest);
            written = true;
            return result;
        }
    }

    /**
     * Called between chunks: gives up when the run is stopping (the temporary key is deleted, {@link UnitCopier.Stopped}
     * thrown), else renews the temporary key's lease once it exists.
     */
    void lease() {
        if (stopping.getAsBoolean()) {
            throw new UnitCopier.Stopped("stopped while copying " + quoted(sourceKey) + " in chunks");
        }
        renew();
    }

    private void renew() {
        if (written) {
            target.pexpire(dest, LEASE_MILLIS);
            leased = true;
        }
    }

    private Outcome finish() {
        if (leased) {
            long held = cardinality(dest);
            long expected = type.equals("string") ? bytes : elements;
            if (held != expected) {
                throw CachectlException.failed("copying " + quoted(sourceKey) + ": the temporary key " + quoted(dest)
                        + " holds " + held + " of " + expected + (type.equals("string") ? " bytes" : " elements")
                        + " (its " + LEASE_MILLIS / 60_000 + "-minute lease ran out, or something else wrote to it)");
            }
        }
        if (expireAtMillis != 0) {
            if (expireAtMillis <= System.currentTimeMillis()) {
                return vanished(type);
            }
            // on the temporary key, so that RENAME brings the TTL along and the target never lacks it
            target.pexpireAt(dest, expireAtMillis);
        } else if (leased) {
            target.persist(dest);
        }
        if (dest != targetKey) {
            try {
                if (replace) {
                    target.rename(dest, targetKey);
                } else if (target.renamenx(dest, targetKey) == 0) {
                    return Outcome.of(Status.SKIPPED_EXISTING, List.of());
                }
            } catch (JedisDataException e) {
                if (!isNoSuchKey(e)) {
                    throw e;
                }
                // the expiry passed between PEXPIREAT and RENAME
                return vanished(type);
            }
        }
        done = true;
        return new Outcome(Status.COPIED, elements, bytes, notes);
    }

    /** {@code now}: the source key's type now. */
    private Outcome vanished(String now) {
        if (!now.equals("none") && !now.equals(type)) {
            notes.add(quoted(sourceKey) + " became a " + now + " while its " + type + " value was copied: not copied");
        }
        return Outcome.of(Status.VANISHED, notes);
    }

    private long cardinality(byte[] key) {
        return switch (type) {
            case "string" -> target.strlen(key);
            case "list" -> target.llen(key);
            case "set" -> target.scard(key);
            case "zset" -> target.zcard(key);
            case "hash" -> target.hlen(key);
            case "stream" -> target.xlen(key);
            default -> throw new IllegalStateException("unexpected type " + type);
        };
    }

    private void deleteQuietly(byte[] key) {
        try {
            target.del(key);
        } catch (RuntimeException e) {
            // best effort: a multi-chunk temporary key also carries a lease TTL
        }
    }

    private static boolean isWrongType(JedisDataException e) {
        return String.valueOf(e.getMessage()).startsWith("WRONGTYPE");
    }

    private static boolean isNoSuchKey(JedisDataException e) {
        return String.valueOf(e.getMessage()).contains("no such key");
    }

    /** Thrown by a source read that finds the key gone or of another type. */
    private static final class SourceChanged extends RuntimeException {
        SourceChanged() {
            super(null, null, false, false);
        }
    }
}
