package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.progress.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What became of each key of a snapshot copy: counted copied, skipped or failed; set aside for the
 * key-by-key path (a big key, a payload the target rejects); or, for an error no later write can
 * escape (target full, read-only), the end of the run. Called from sinks' reply threads.
 */
final class SnapshotOutcomes {
    private final Endpoint target;
    private final Counters counters;
    private final ProgressListener progress;
    private final Consumer<CachectlException> abort;
    /** Source keys per source db that the key-by-key path copies after the snapshot. */
    private final Map<Integer, List<byte[]>> deferred = new TreeMap<>();

    SnapshotOutcomes(Endpoint target, Counters counters, ProgressListener progress, Consumer<CachectlException> abort) {
        this.target = target;
        this.counters = counters;
        this.progress = progress;
        this.abort = abort;
    }

    void copied(long keys, long bytes) {
        counters.copied.add(keys);
        counters.bytes.add(bytes);
        progress.advanced(keys, bytes);
    }

    void skipped() {
        counters.skippedExisting.increment();
        progress.advanced(1, 0);
    }

    synchronized void defer(int sourceDb, byte[] sourceKey) {
        deferred.computeIfAbsent(sourceDb, db -> new ArrayList<>()).add(sourceKey);
    }

    /** The target's error for one key (or for every key of an MSET). */
    void failed(SnapshotEntry entry, String error) {
        CachectlException fatal = WriteErrors.fatal(target, error);
        if (fatal != null) {
            abort.accept(fatal);
        } else if (WriteErrors.busyKey(error)) {
            skipped();
        } else if (WriteErrors.payloadRejected(error)) {
            defer(entry.sourceDb(), entry.sourceKey());
        } else {
            counters.fail(WriteErrors.firstLine(error), CopyWorker.printable(entry.sourceKey()));
        }
    }

    /** The connection to the target broke ({@code why} names it): what was not answered is not copied, and the run ends. */
    void lost(String why) {
        abort.accept(new CachectlException(ExitCode.DOWN, why));
    }

    synchronized Map<Integer, List<byte[]>> takeDeferred() {
        Map<Integer, List<byte[]>> out = new TreeMap<>(deferred);
        deferred.clear();
        return out;
    }
}
