package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cachectl.ExitCode;
import dev.cachectl.config.WarmJobDefinition;
import dev.cachectl.rebalance.group.GroupLayout;
import dev.cachectl.warm.TargetResolver;
import dev.cachectl.warm.ValueKind;
import dev.cachectl.warm.WarmJob;
import dev.cachectl.warm.WarmJobs;
import dev.cachectl.warm.WarmService;
import dev.cachectl.warm.WarmSummary;
import dev.cachectl.warm.source.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cachectl warm SOURCE --to TARGET}: pre-load a cache from a file, stdin, MongoDB, or another Redis's hot keys. */
@Command(name = "warm", mixinStandardHelpOptions = true,
        description = {"Pre-load a cache from JSON Lines or CSV (plain or gzipped; - for stdin), a MongoDB collection,"
                + " or the hottest keys of another Redis: batched and pipelined, locked against overlapping runs,"
                + " summed up in one line on stderr (with --json, a document on stdout).",
                "",
                "Exit 0: all written, or skipped as already warm; 4: some records malformed or failed, or the run"
                + " stopped part-way; 1: nothing could be written; 2: a bad option or mapping; 3: the target is down;"
                + " 5: another run holds the lock."})
public final class WarmCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "0..1",
            description = "A .jsonl/.csv file (.gz too), - for stdin, mongodb://host/db.collection, or with --top a Redis name or URL.")
    String source;

    @Option(names = "--to", paramLabel = "TARGET",
            description = "Redis to write to: an instance name or redis:// / redis+cluster:// URL (default: the category's instance, else 'default').")
    String to;

    @Option(names = "--job", paramLabel = "NAME", description = "Run the warm job NAME from cachectl.yaml; flags given here override its settings.")
    String job;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Input format: ${COMPLETION-CANDIDATES} (default: auto, by file name, else by the first character).")
    SourceFormat format;

    @Option(names = "--key", paramLabel = "TEMPLATE", description = "Key built from record fields, e.g. 'user:{id}'.")
    String key;

    @Option(names = "--as", paramLabel = "KIND",
            description = "Value: string (the --value field), hash (every field), json (the record) (default: string with --value, else json).")
    ValueKind as;

    @Option(names = "--value", paramLabel = "FIELD", description = "The field written as the value, with --as string.")
    String value;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Expire keys after this long, e.g. 1h.")
    String ttl;

    @Option(names = "--ttl-field", paramLabel = "FIELD",
            description = "Field with each record's TTL: seconds from now, or an ISO-8601 time (2026-12-01T00:00:00Z).")
    String ttlField;

    @Option(names = "--ttl-jitter", paramLabel = "SPREAD",
            description = "Spread TTLs by up to this much either way, as a share (10%%) or a duration (5m).")
    String ttlJitter;

    @Option(names = "--category", paramLabel = "NAME",
            description = "Key category from cachectl.yaml: its prefix goes in front of --key, its instance is the target, its ttl and ttl-jitter apply.")
    String category;

    @Option(names = "--query", paramLabel = "JSON", description = "MongoDB filter, e.g. '{\"active\": true}'.")
    String query;

    @Option(names = "--projection", paramLabel = "JSON", description = "MongoDB projection, e.g. '{\"name\": 1}'.")
    String projection;

    @Option(names = "--top", paramLabel = "N",
            description = "Copy the N hottest keys of the Redis SOURCE, with their TTLs (by OBJECT FREQ under an LFU policy, else by idle time).")
    Integer topKeys;

    @Option(names = "--nx", description = "Write only keys that do not exist yet (default: overwrite).")
    boolean nx;

    @Option(names = "--lock", paramLabel = "NAME",
            description = "Lock name: a run finding it held exits 5 (default: the job name, else one derived from source and target).")
    String lock;

    @Option(names = "--if-hit-ratio-below", paramLabel = "RATIO",
            description = "Run only while the target's hit ratio is below RATIO (0.9 or 90%%); otherwise skip with exit 0.")
    String ifHitRatioBelow;

    @Option(names = "--if-keys-below", paramLabel = "N",
            description = "Run only while the target holds fewer than N keys; otherwise skip with exit 0. With both conditions, either one runs it.")
    Long ifKeysBelow;

    @Option(names = "--max-errors", paramLabel = "N",
            description = "Stop after more than N malformed or failed records (default: no limit; the rest is loaded).")
    Long maxErrors;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads that map records in parallel (default: half the cores, from 1 to 4); with 1, the reader "
                    + "maps and sends each batch itself. Into a cluster, also its lanes. The writes keep their input order "
                    + "whatever the number.")
    Integer threads;

    @Mixin
    BatchOptions batchOptions;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        WarmJobDefinition typed = new WarmJobDefinition(source, to, format == null ? null : format.name(), key,
                as == null ? null : as.name(), value, ttl, ttlField, ttlJitter, category,
                query == null ? null : TextNode.valueOf(query), projection == null ? null : TextNode.valueOf(projection),
                nx ? Boolean.TRUE : null, topKeys, lock, ifHitRatioBelow, ifKeysBelow, maxErrors,
                typed("--batch") ? batchOptions.batch : null, threads,
                typed("--rate") ? batchOptions.rate : null);
        WarmJob warmJob = WarmJobs.build(job, typed, batchOptions.settings(WarmJobs.DEFAULT_THREADS), GroupLayout.current(ctx.config(), ctx.home().root()),
                new TargetResolver(ctx.catalog()), ctx.environment().workingDir());
        WarmService service = new WarmService(ctx.home(), ctx.environment().stdin());
        WarmSummary summary;
        try (Cancellation.Registration stop = top.cancellation().onCancel(service::cancel)) {
            summary = service.run(warmJob, top.progressListener(spec.commandLine().getErr()));
        }
        render(output, summary);
        return summary.exitCode();
    }

    private boolean typed(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The summary is the last line; with --quiet a run that went fine prints nothing at all. */
    private void render(Output output, WarmSummary summary) {
        if (output.json()) {
            output.printJson(summary);
        } else {
            summary.sample().forEach(output::line);
        }
        boolean ok = summary.exitCode() == ExitCode.DONE.code();
        if (ok && top.quiet() || output.json()) {
            return;
        }
        for (WarmSummary.RecordError e : summary.errors()) {
            output.warn((e.line() == null ? "" : "line " + e.line() + ": ") + e.error());
        }
        // writes lost with a connection have no entry: the summary line counts them, the message says why
        long shown = summary.errors().size();
        long total = summary.malformed() + summary.failed() - summary.unconfirmed() - summary.notSent();
        if (total > shown) {
            output.warn("… and " + (total - shown) + " more");
        }
        if (summary.message() != null && summary.outcome().equals("interrupted")) {
            output.warn(summary.message());
        } else if (summary.message() != null && !summary.outcome().equals("skipped")) {
            output.error(summary.message(), java.util.List.of());
            output.trace(summary.cause());
        }
        if (summary.ranking() != null) {
            output.note(summary.ranking());
        }
        spec.commandLine().getErr().println(output.errorAnsi(summary.line()));
    }
}
