package dev.cachectl.warm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cachectl.ExitCode;

import java.util.List;

/**
 * What a warm did, for the one-line summary and the {@code --json} document. Counts add up:
 * {@code read = written + skipped + malformed + failed} ({@code would_write} instead of {@code written}
 * in a dry run). {@code skipped}: keys left alone under NX, and records whose expiry had passed.
 * {@code unconfirmed}: the part of {@code failed} sent just before a connection broke, which the
 * server may or may not have applied; {@code notSent}: the part never sent because it had broken.
 * Neither has entries in {@code errors}, which lists the first few failures of single records.
 * {@code cause}: what raised the failure that {@code message} names, for {@code --verbose}; not in the JSON.
 */
public record WarmSummary(
        String job,
        String source,
        String target,
        String outcome,
        int exitCode,
        boolean dryRun,
        long read,
        long written,
        long wouldWrite,
        long skipped,
        long malformed,
        long failed,
        long unconfirmed,
        long notSent,
        double seconds,
        double recordsPerSecond,
        List<RecordError> errors,
        String message,
        String ranking,
        List<String> sample,
        @JsonIgnore Throwable cause) {

    /** {@code line} is null for an error that belongs to no line (a key copied from another Redis). */
    public record RecordError(Long line, String error) {
    }

    /** Nothing done, for {@code reason}: the target already warm (exit 0), or the lock held by another run (exit 5). */
    static WarmSummary skipped(WarmJob job, String reason, double seconds, ExitCode code) {
        return new WarmSummary(job.name(), job.source().shown(), job.target().name(), "skipped", code.code(),
                job.batch().dryRun(), 0, 0, 0, 0, 0, 0, 0, 0, seconds, 0, List.of(), reason, null, List.of(), null);
    }

    static WarmSummary of(WarmJob job, Tally tally, double seconds, String ranking, List<String> sample) {
        boolean dry = job.batch().dryRun();
        long read = tally.read.sum();
        long done = tally.written.sum();
        long skipped = tally.skipped.sum();
        long bad = tally.malformed.sum() + tally.failed.sum();
        ExitCode code;
        String message = tally.stopReason();
        if (tally.interrupted()) {
            code = ExitCode.INTERRUPTED;
        } else if (read == 0 && !tally.incomplete()) {
            // an export that failed upstream leaves an empty file or pipe: a cron job must notice
            code = ExitCode.FAILED;
            message = "nothing to warm: " + job.source().shown() + " held no "
                    + (job.source() instanceof WarmJob.HotKeys ? "keys" : "records");
        } else if (bad == 0 && !tally.incomplete()) {
            code = ExitCode.DONE;
        } else if (done + skipped > 0) {
            code = ExitCode.PARTIAL;
        } else {
            // nothing landed because the target went away (after the check, before or at the first batch): it is down
            code = tally.targetLost() ? ExitCode.DOWN : ExitCode.FAILED;
        }
        String outcome = switch (code) {
            case DONE -> "completed";
            case PARTIAL -> "partial";
            case INTERRUPTED -> "interrupted";
            default -> "failed";
        };
        return new WarmSummary(job.name(), job.source().shown(), job.target().name(), outcome, code.code(), dry,
                read, dry ? 0 : done, dry ? done : 0, skipped, tally.malformed.sum(), tally.failed.sum(),
                tally.unconfirmed.sum(), tally.notSent.sum(), round(seconds), round(seconds > 0 ? read / seconds : 0), tally.errors(),
                message, ranking, sample, tally.interrupted() ? null : tally.cause());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The summary line: {@code warm users.jsonl → cache: read 10, written 9, …; 0.2 s, 50 records/s}. */
    public String line() {
        if (outcome.equals("skipped")) {
            return "warm " + source + " → " + target + " skipped: " + message;
        }
        StringBuilder s = new StringBuilder("warm ").append(source).append(" → ").append(target).append(": read ").append(read);
        s.append(dryRun ? ", would write " + wouldWrite : ", written " + written);
        s.append(", skipped ").append(skipped).append(", malformed ").append(malformed).append(", failed ").append(failed);
        if (unconfirmed > 0 || notSent > 0) {
            s.append(" (");
            if (unconfirmed > 0) {
                s.append(unconfirmed).append(" unconfirmed");
            }
            if (notSent > 0) {
                s.append(unconfirmed > 0 ? ", " : "").append(notSent).append(" not sent");
            }
            s.append(")");
        }
        // by hand: String.format would load the locale machinery for one line
        s.append("; ").append(seconds).append(" s, ").append(Math.round(recordsPerSecond)).append(" records/s");
        if (dryRun) {
            s.append("; dry run, nothing written");
        }
        return s.toString();
    }
}
