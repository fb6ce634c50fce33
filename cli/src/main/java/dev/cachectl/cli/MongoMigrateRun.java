package dev.cachectl.cli;

import dev.cachectl.migrate.CopySummary;
import dev.cachectl.migrate.UnitCopier;
import dev.cachectl.mongo.copy.MongoMigrationPlan;
import dev.cachectl.mongo.copy.MongoMigrator;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The MongoDB side of {@code migrate}: its {@link MongoMigrationPlan} from the command's options, and its text report. */
final class MongoMigrateRun {
    private final Output output;

    private MongoMigrateRun(Output output) {
        this.output = output;
    }

    static MongoMigrationPlan plan(MigrateCommand cmd, CachectlCommand.Context ctx) {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String rename : cmd.renames) {
            MongoMigrationPlan.parseRename(rename, renames);
        }
        MongoMigrator.query(cmd.query);
        return new MongoMigrationPlan(ctx.catalog().endpoint(cmd.source), ctx.catalog().endpoint(cmd.target),
                List.copyOf(cmd.match), List.copyOf(cmd.exclude), renames, cmd.query, !cmd.skipExisting, cmd.batchSettings(),
                cmd.checkpoint == null ? null : cmd.top.environment().workingDir().resolve(cmd.checkpoint), cmd.resume,
                cmd.verify.name());
    }

    static void report(Output output, CopySummary s) {
        new MongoMigrateRun(output).report(s);
    }

    private void report(CopySummary s) {
        if (s.dryRun()) {
            output.note(String.format(Locale.ROOT, "dry run: %d documents in %d collections would be copied, about %s, about %s",
                    s.scanned(), s.collections().size(), Sizes.human(s.estimatedBytes()),
                    Durations.format(Duration.ofMillis((long) (s.estimatedSeconds() * 1000)))));
            s.collections().forEach(c -> output.note(String.format(Locale.ROOT, "  %s -> %s: %d documents, %s", c.source(),
                    c.target(), c.estimatedDocuments(), Sizes.human(c.estimatedBytes()))));
            return;
        }
        output.note(String.format(Locale.ROOT, "migrate %s: %d copied, %d skipped (existing), %d failed of %d read in "
                        + "%d collections in %.1fs (%.0f docs/s, %s)%s", s.outcome(), s.copied(), s.skippedExisting(), s.failed(),
                s.scanned(), s.collections().size(), s.seconds(), s.docsPerSec(), Sizes.human(s.bytes()),
                s.resumed() ? ", resumed" : ""));
        s.notes().forEach(note -> output.warn("  " + note));
        for (UnitCopier.Refusal r : s.refused()) {
            output.warn("  refused: " + r.unit() + " _id " + r.id() + ": " + r.reason());
        }
        if (s.refusedFile() != null) {
            output.warn("  all " + s.failed() + " refused documents are listed in " + s.refusedFile());
        }
        if (s.checkpoint() != null) {
            output.note("  checkpoint saved: " + s.checkpoint() + " (continue with --resume)");
        }
        if (s.verification() != null) {
            CopySummary.Verification v = s.verification();
            output.note("  verify " + v.mode() + ": " + v.checked() + " documents checked, " + v.mismatches() + " mismatches"
                    + (v.listFile() == null ? "" : " (all listed in " + v.listFile() + ")"));
            v.examples().forEach(e -> output.warn("    " + e));
            if (v.listError() != null) {
                output.warn("  the full list of mismatches was not written: " + v.listError());
            }
        }
    }
}
