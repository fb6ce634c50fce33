package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.KeyText;
import dev.cachectl.warm.sink.DryRunSink;
import dev.cachectl.warm.sink.Lanes;
import dev.cachectl.warm.sink.RedisTarget;
import dev.cachectl.warm.source.Inputs;
import dev.cachectl.warm.source.MongoSource;
import dev.cachectl.warm.source.RecordSource;
import dev.cachectl.warm.source.SourceException;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link WarmJob}: takes the job's lock (a dry run takes none), connects to the target, checks
 * the skip conditions, then loads the records (or copies the hot keys) and sums up. Problems found
 * before anything is written are thrown with their exit code; what happens during the load is
 * counted in the summary.
 */
public final class WarmService {
    static final int SAMPLE_LINES = 10;

    private final Home home;
    private final InputStream stdin;
    private final AtomicReference<Tally> running = new AtomicReference<>();
    private volatile String cancelled;

    public WarmService(Home home, InputStream stdin) {
        this.home = home;
        this.stdin = stdin;
    }

    /** Asks a running warm to stop reading (Ctrl-C, SIGTERM): what is in flight is answered, then the summary says how far it got. */
    public void cancel(String why) {
        cancelled = why;
        Tally tally = running.get();
        if (tally != null) {
            tally.interrupt(why);
        }
    }

    public WarmSummary run(WarmJob job, ProgressListener progress) {
        long start = System.nanoTime();
        boolean dry = job.batch().dryRun();
        FileLocks.Held held;
        try {
            held = dry ? null : WarmLock.acquire(home, job.lock());
        } catch (CachectlException e) {
            if (e.exitCode() != ExitCode.LOCKED) {
                throw e;
            }
            // another run of the job is at it: skipped (exit 5), a summary like any other, so --json has its document
            return WarmSummary.skipped(job, e.getMessage(), seconds(start), ExitCode.LOCKED);
        }
        try (FileLocks.Held lock = held;
             RedisTarget target = RedisTarget.connect(job.target().endpoint())) {
            Optional<String> warm = WarmGates.skipReason(target, job.gates(), new OwnReads(home.root()));
            if (warm.isPresent()) {
                return WarmSummary.skipped(job, warm.get(), seconds(start), ExitCode.DONE);
            }
            Tally tally = new Tally(job.maxErrors());
            running.set(tally);
            if (cancelled != null) {
                tally.interrupt(cancelled);
            }
            DryRunSink.Sample sample = dry ? new DryRunSink.Sample(SAMPLE_LINES) : null;
            String ranking = null;
            if (job.source() instanceof WarmJob.HotKeys hot) {
                progress.started("warm", hot.top());
                try {
                    ranking = new HotKeyWarmer(job.batch(), progress, new OwnReads(home.root()))
                            .run(hot, job.target().endpoint(), job.nx(), tally, sample);
                } finally {
                    progress.finished();
                }
            } else {
                try (RecordSource source = open(job, tally)) {
                    if (source == null) {
                        return WarmSummary.of(job, tally, seconds(start), null, List.of());
                    }
                    checkColumns(source, job.mapper());
                    Lanes lanes = dry ? Lanes.one(() -> new DryRunSink(sample)) : target.lanes(job.batch().threads(), job.batch().batch());
                    // only NX writes look keys up (a hash's EXISTS): the run ids their lookups are filed under
                    Map<String, String> runIds = job.nx() && !dry ? target.runIds() : Map.of();
                    progress.started("warm", -1);
                    try {
                        new RedisWriter(job.batch(), progress).run(source, job.mapper(), lanes, job.nx(), tally);
                    } finally {
                        progress.finished();
                        target.recordLookups(new OwnReads(home.root()), tally.lookups(), runIds);
                    }
                }
            }
            return WarmSummary.of(job, tally, seconds(start), ranking, sample == null ? List.of() : sample.lines());
        }
    }

    /** Null when Ctrl-C or SIGTERM came while the source was opening (a pipe that had sent nothing yet): nothing was read. */
    private RecordSource open(WarmJob job, Tally tally) {
        if (job.source() instanceof WarmJob.FileSource file) {
            try {
                return Inputs.open(file.path(), stdin, file.format(), tally::stopped);
            } catch (CachectlException | SourceException e) {
                if (tally.interrupted()) {
                    return null;
                }
                throw e;
            }
        }
        WarmJob.MongoSource mongo = (WarmJob.MongoSource) job.source();
        return new MongoSource(mongo.url(), mongo.query(), mongo.projection(), job.batch().batch());
    }

    /** With a CSV header the fields are known up front: a template naming another is a bad mapping, not N bad records. */
    private static void checkColumns(RecordSource source, RecordMapper mapper) {
        Optional<List<String>> columns = source.columns();
        if (columns.isEmpty()) {
            return;
        }
        List<String> wanted = new ArrayList<>(mapper.key().fields());
        if (mapper.valueField() != null) {
            wanted.add(mapper.valueField());
        }
        if (mapper.ttl().field() != null) {
            wanted.add(mapper.ttl().field());
        }
        for (String field : wanted) {
            if (!columns.get().contains(field)) {
                throw CachectlException.usage(source + " has no column '" + field + "' (columns: "
                        + shown(columns.get()) + ")");
            }
        }
    }

    /**
     * A header as a one-line message can show it: the first ten columns, each cut at 40 characters and with
     * what is not text escaped (a binary file read as CSV has a "header" of control bytes).
     */
    static String shown(List<String> columns) {
        List<String> shown = new ArrayList<>();
        for (String column : columns.subList(0, Math.min(10, columns.size()))) {
            String text = KeyText.readable(column.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            shown.add(text.length() > 40 ? text.substring(0, 40) + "…" : text);
        }
        return String.join(", ", shown) + (columns.size() > 10 ? ", … " + (columns.size() - 10) + " more" : "");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
