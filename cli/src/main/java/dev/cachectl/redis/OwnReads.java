package dev.cachectl.redis;

import dev.cachectl.util.FileLocks;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keyspace hits and misses cachectl's own reads caused on each server, so that the hit ratio
 * status reports and {@code warm --if-hit-ratio-below} trusts is the application's, not ours.
 * Redis counts a hit or miss for every key lookup but MEMORY USAGE and SCAN (db.c: lookupKey
 * without LOOKUP_NOSTATS; PTTL, TYPE, DUMP, OBJECT, EXISTS all count, 7.0 as today), and no command
 * reads a key without counting, so migrate and warm --top count what theirs caused and add it here.
 * Entries are kept per server and run id: INFO's counters start again at 0 when a server restarts,
 * and so does what is discounted. One small file under HOME, 0600, written atomically under a lock.
 */
public final class OwnReads {
    private static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    /**
     * Run ids kept per server, the most recently added last. More than one: a run that read a server before
     * it restarted may finish after a run under the new run id, and must not drop that one's entry.
     */
    static final int RUN_IDS_KEPT = 4;

    /** Hits and misses caused on {@code server} ("host:port") while it ran as {@code runId}. */
    public record Entry(String server, String runId, long hits, long misses) {
    }

    record Ledger(List<Entry> servers) {
    }

    private final Path file;

    public OwnReads(Path home) {
        this.file = home.resolve("own-reads.json");
    }

    /** Adds what one run's reads caused; of the server's other run ids the {@link #RUN_IDS_KEPT} last added stay. */
    public void add(String server, String runId, long hits, long misses) {
        if (hits == 0 && misses == 0 || runId == null) {
            return;
        }
        Optional<FileLocks.Held> held;
        try {
            FileWrites.ensureDir(file.getParent(), file.toString());
            held = FileLocks.acquire(file.resolveSibling(".own-reads.lock"), LOCK_WAIT);
        } catch (RuntimeException e) {
            return; // a home we cannot write: bookkeeping only, the copy itself is not at stake
        }
        if (held.isEmpty()) {
            return; // another run holds it for longer than a write takes: a stuck process; never block a copy on it
        }
        try (FileLocks.Held ignored = held.get()) {
            List<Entry> entries = new ArrayList<>();
            long h = hits;
            long m = misses;
            List<Entry> before = entries();
            int others = (int) before.stream().filter(e -> e.server().equals(server) && !e.runId().equals(runId)).count();
            for (Entry e : before) {
                if (!e.server().equals(server)) {
                    entries.add(e);
                } else if (e.runId().equals(runId)) {
                    h += e.hits();
                    m += e.misses();
                } else if (others-- <= RUN_IDS_KEPT) {
                    entries.add(e); // the oldest of this server's other run ids go first
                }
            }
            entries.add(new Entry(server, runId, h, m));
            FileWrites.atomically(file, RecordJson.write(new Ledger(entries)));
        } catch (IOException | RuntimeException e) {
            // bookkeeping only: the copy itself is not at stake
        }
    }

    /** {hits, misses} cachectl caused on {@code server} since it started as {@code runId}; zeros when none. */
    public long[] of(String server, String runId) {
        for (Entry e : entries()) {
            if (e.server().equals(server) && e.runId().equals(runId)) {
                return new long[] {e.hits(), e.misses()};
            }
        }
        return new long[] {0, 0};
    }

    /** The server's own figures less cachectl's ({@code own}), never below 0 (CONFIG RESETSTAT clears them under us). */
    public static long[] discount(long hits, long misses, long[] own) {
        return new long[] {Math.max(0, hits - own[0]), Math.max(0, misses - own[1])};
    }

    /** A missing or damaged ledger counts as empty: it is rebuilt by the next run, and discounts nothing meanwhile. */
    private List<Entry> entries() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            Ledger ledger = RecordJson.read(Files.readAllBytes(file), Ledger.class);
            return ledger.servers() == null ? List.of()
                    : ledger.servers().stream().filter(e -> e.server() != null && e.runId() != null).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
