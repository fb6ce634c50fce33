package dev.cachectl.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.CategoryDefinition;
import dev.cachectl.config.Config;
import dev.cachectl.config.Overrides;
import dev.cachectl.config.WarmJobDefinition;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.warm.source.MongoSource;
import dev.cachectl.warm.source.MongoUrl;
import dev.cachectl.warm.source.SourceFormat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link WarmJob} from what was typed, over a job from cachectl.yaml when {@code --job} names
 * one (a typed flag wins), with a category's target, prefix and TTL underneath. Every inconsistency is
 * a one-line usage error (exit 2) before anything is read or written.
 */
public final class WarmJobs {
    /**
     * What {@code --threads} is when neither typed nor set by the job: half the cores, from 1 to 4. On a machine that
     * also runs the server, threads beyond that take turns with it on its core: on two cores a warm runs fastest with
     * one thread that reads, maps and sends (scripts/bench/warm).
     */
    public static final int DEFAULT_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** The batch settings of a warm given no flags. */
    public static final BatchSettings DEFAULTS = new BatchSettings(BatchSettings.DEFAULT_BATCH, DEFAULT_THREADS, 0, false);

    private WarmJobs() {
    }

    /**
     * {@code typed} holds the flags given on the command line (null where absent); {@code defaults}
     * the batch settings of flags not given; relative paths typed are read from {@code workingDir},
     * those in a job from the config file's directory. Everything {@link #check} checks is checked
     * before any server is asked.
     */
    public static WarmJob build(String jobName, WarmJobDefinition typed, BatchSettings defaults, Config config,
                                TargetResolver resolver, Path workingDir) {
        Plan plan = plan(jobName, typed, defaults, config, workingDir);
        WarmJob.Target target = resolver.resolveTarget(plan.to());
        WarmJob.Source source = plan.source().resolve(resolver, plan.what());
        if (source instanceof WarmJob.HotKeys hot && hot.endpoint().equals(target.endpoint())) {
            throw CachectlException.usage(plan.what() + "the source and the target are the same Redis (" + target.name() + ")");
        }
        String lock = plan.lock() != null ? plan.lock() : WarmLock.checkName(derivedLock(source, target));
        return new WarmJob(jobName, source, target, plan.mapper(), plan.nx(), lock, plan.gates(), plan.maxErrors(),
                plan.batch());
    }

    /**
     * The job {@code jobName} of the config checked as {@code warm --job NAME} checks it, as far as that goes
     * without asking a server or reading the source (which may not exist yet): what {@code cron} installs and
     * {@code run --warm} starts servers for must not fail on its settings at its first run.
     */
    public static void check(String jobName, Config config) {
        job(jobName, config);
        try {
            plan(jobName, WarmJobDefinition.NONE, DEFAULTS, config,
                    config.directory().orElse(Path.of("").toAbsolutePath()));
        } catch (CachectlException e) {
            if (config.source() == null || e.getMessage().startsWith(config.source().toString())) {
                throw e;
            }
            // no setting of its own to point at (a mongodb:// URL, a key template): the job's line, then
            String why = e.getMessage().startsWith(what(jobName)) ? e.getMessage().substring(what(jobName).length()) : e.getMessage();
            throw new CachectlException(e.exitCode(), config.settingAt("jobs", jobName) + ": " + why, e);
        }
    }

    /** How warm's errors name the job they are about. */
    private static String what(String jobName) {
        return jobName == null ? "" : "job '" + jobName + "': ";
    }

    /** A warm checked but not yet resolved: its target by name, its source to be found; {@code lock} null when derived. */
    private record Plan(String what, String to, SourcePlan source, RecordMapper mapper, boolean nx, String lock,
                        WarmJob.Gates gates, long maxErrors, BatchSettings batch) {
    }

    private static Plan plan(String jobName, WarmJobDefinition typed, BatchSettings defaults, Config config, Path workingDir) {
        WarmJobDefinition job = jobName == null ? null : job(jobName, config);
        String what = what(jobName);
        Names names = new Names(what, typed, job, jobName, config);
        Path jobDir = config.directory().orElse(workingDir);
        // a flag typed overrides the job's setting of the same name
        WarmJobDefinition d = Overrides.over(typed, job);

        CategoryDefinition category = null;
        if (d.category() != null) {
            category = config.categories().get(d.category());
            if (category == null) {
                throw CachectlException.usage(what + "no category '" + d.category() + "' in "
                        + (config.source() == null ? "the config (no cachectl.yaml found)" : config.source())
                        + known(config.categories().keySet()));
            }
        }
        String to = first(d.to(), category == null ? null : category.instance(), InstanceCatalog.DEFAULT_NAME);

        String sourceText = d.source();
        if (sourceText == null || sourceText.isBlank()) {
            throw CachectlException.usage(names.missing("source", "name a SOURCE: a JSON Lines or CSV file, - for stdin, "
                    + "mongodb://host/db.collection, or a Redis with --top N"));
        }
        Path base = typed.source() != null ? workingDir : jobDir;
        SourcePlan source = source(sourceText, d, base, names);
        RecordMapper mapper = null;
        if (source instanceof SourcePlan.Hot) {
            rejectMapping(d, category, what);
        } else {
            mapper = mapper(d, category, category == null ? null
                    : "category '" + d.category() + "'" + (config.source() == null ? "" : " (" + config.source() + ")"), names);
        }
        if (d.format() != null && !(source instanceof SourcePlan.File || source instanceof SourcePlan.Stdin)) {
            throw CachectlException.usage(names.of("--format") + " applies to files and stdin only");
        }
        String lockName = first(d.lock(), jobName == null ? null : jobName.replaceAll("[^A-Za-z0-9._-]", "-"));
        String lock = lockName == null ? null : WarmLock.checkName(lockName);
        BatchSettings batch;
        try {
            batch = new BatchSettings(first(d.batch(), defaults.batch()), first(d.threads(), defaults.threads()),
                    first(d.rate(), defaults.ratePerSecond()), defaults.dryRun());
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(what + e.getMessage());
        }
        if (d.maxErrors() != null && d.maxErrors() < 0) {
            throw CachectlException.usage(names.of("--max-errors") + " must be 0 or more");
        }
        return new Plan(what, to, source, mapper, Boolean.TRUE.equals(d.nx()), lock, gates(d, names),
                d.maxErrors() == null ? -1 : d.maxErrors(), batch);
    }

    /** The job {@code name} of the config; an unknown one is exit 2, with the known ones. */
    public static WarmJobDefinition job(String name, Config config) {
        WarmJobDefinition job = config.jobs().get(name);
        if (job == null) {
            throw CachectlException.usage("no warm job '" + name + "' in "
                    + (config.source() == null ? "the config (no cachectl.yaml found; see --config)" : config.source())
                    + known(config.jobs().keySet()));
        }
        return job;
    }

    private static String known(java.util.Set<String> names) {
        return names.isEmpty() ? "" : " (known: " + String.join(", ", names) + ")";
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Where records will come from, checked as far as it can be before any server is asked or file read. */
    private sealed interface SourcePlan {
        WarmJob.Source resolve(TargetResolver resolver, String what);

        /** A MongoDB collection: its URL and filter are all there is to check beforehand. */
        record Ready(WarmJob.Source source) implements SourcePlan {
            @Override
            public WarmJob.Source resolve(TargetResolver resolver, String what) {
                return source;
            }
        }

        record Stdin(SourceFormat format) implements SourcePlan {
            @Override
            public WarmJob.Source resolve(TargetResolver resolver, String what) {
                return new WarmJob.FileSource(null, format, "stdin");
            }
        }

        /** A file, which a cron job's export may write only before each run. */
        record File(Path path, SourceFormat format, String text) implements SourcePlan {
            @Override
            public WarmJob.Source resolve(TargetResolver resolver, String what) {
                if (!Files.isRegularFile(path)) {
                    throw CachectlException.usage(what + (Files.exists(path) ? path + " is not a file" : "no such file: " + path)
                            + resolver.sourceHint(text));
                }
                return new WarmJob.FileSource(path, format, text);
            }
        }

        /** The {@code top} hottest keys of the Redis {@code text}. */
        record Hot(String text, int top) implements SourcePlan {
            @Override
            public WarmJob.Source resolve(TargetResolver resolver, String what) {
                WarmJob.Target from = resolver.resolve(text);
                if (from.endpoint().cluster()) {
                    throw CachectlException.usage(what + "hot keys are read from a standalone Redis; "
                            + from.name() + " is a cluster (name one of its nodes)");
                }
                return new WarmJob.HotKeys(from.name(), from.endpoint(), top);
            }
        }
    }

    private static SourcePlan source(String text, WarmJobDefinition d, Path base, Names names) {
        String what = names.what();
        boolean mongo = MongoUrl.looksLike(text);
        if (!mongo && (d.query() != null || d.projection() != null)) {
            throw CachectlException.usage(what + "--query and --projection apply to a mongodb:// source only");
        }
        if (d.top() != null) {
            if (d.top() < 1) {
                throw CachectlException.usage(names.of("--top") + " must be at least 1");
            }
            if (mongo || text.equals("-")) {
                throw CachectlException.usage(names.of("--top") + " applies to a Redis source (an instance name or redis:// URL)");
            }
            return new SourcePlan.Hot(text, d.top());
        }
        if (mongo) {
            MongoUrl url = MongoUrl.parse(text);
            String query = json(d.query());
            String projection = json(d.projection());
            MongoSource.parse("--query", query);
            MongoSource.parse("--projection", projection);
            return new SourcePlan.Ready(new WarmJob.MongoSource(url, query, projection));
        }
        if (text.startsWith("redis://") || text.startsWith("rediss://") || text.startsWith("redis+cluster://")) {
            throw CachectlException.usage(what + "a Redis source needs --top N: warm copies its N hottest keys");
        }
        SourceFormat format = format(d.format(), names);
        if (text.equals("-")) {
            return new SourcePlan.Stdin(format);
        }
        return new SourcePlan.File(base.resolve(text).normalize(), format, text);
    }

    private static SourceFormat format(String text, Names names) {
        if (text == null) {
            return SourceFormat.auto;
        }
        try {
            return SourceFormat.valueOf(text.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(names.of("--format") + " '" + text + "': use auto, jsonl or csv");
        }
    }

    /** A query may be written in YAML as a map, or as JSON text. */
    private static String json(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static void rejectMapping(WarmJobDefinition d, CategoryDefinition category, String what) {
        List<String> given = new ArrayList<>();
        add(given, "--key", d.key());
        add(given, "--as", d.as());
        add(given, "--value", d.value());
        add(given, "--ttl", d.ttl());
        add(given, "--ttl-field", d.ttlField());
        add(given, "--ttl-jitter", d.ttlJitter());
        add(given, "--category", category);
        add(given, "--format", d.format());
        if (!given.isEmpty()) {
            throw CachectlException.usage(what + String.join(", ", given) + " cannot be used with --top:"
                    + " hot keys are copied as they are, with their own TTLs");
        }
    }

    private static void add(List<String> given, String flag, Object value) {
        if (value != null) {
            given.add(flag);
        }
    }

    /** {@code categoryName}: how messages name the category (and its file), null without one. */
    private static RecordMapper mapper(WarmJobDefinition d, CategoryDefinition category, String categoryName, Names names) {
        String what = names.what();
        if (d.key() == null || d.key().isBlank()) {
            throw CachectlException.usage(names.missing("key", "--key is required: a template of record fields, e.g. --key 'user:{id}'"));
        }
        KeyTemplate key = KeyTemplate.parse(d.key());
        if (category != null) {
            key = key.withPrefix(category.prefix());
        }
        ValueKind as;
        if (d.as() == null) {
            as = d.value() != null ? ValueKind.string : ValueKind.json;
        } else {
            try {
                as = ValueKind.valueOf(d.as().trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CachectlException.usage(names.of("--as") + " '" + d.as() + "': use string, hash or json");
            }
        }
        if (as == ValueKind.string && d.value() == null) {
            throw CachectlException.usage(what + "--as string needs --value FIELD: the field that holds the value");
        }
        if (as != ValueKind.string && d.value() != null) {
            throw CachectlException.usage(what + "--value goes with --as string; --as " + as + " writes every field");
        }
        String ttl = first(d.ttl(), category == null ? null : category.ttl());
        String jitter = first(d.ttlJitter(), category == null ? null : category.ttlJitter());
        // a value the category or the job gave is named as theirs, not as a flag nobody typed
        String ttlName = d.ttl() == null && category != null && category.ttl() != null
                ? what + "the ttl of " + categoryName : names.of("--ttl");
        String jitterName = d.ttlJitter() == null && category != null && category.ttlJitter() != null
                ? what + "the ttl-jitter of " + categoryName : names.of("--ttl-jitter");
        return new RecordMapper(key, as, d.value(), TtlPolicy.of(ttl, d.ttlField(), jitter, "", ttlName, jitterName));
    }

    private static WarmJob.Gates gates(WarmJobDefinition d, Names names) {
        Double ratio = null;
        if (d.ifHitRatioBelow() != null) {
            String r = d.ifHitRatioBelow().trim();
            try {
                ratio = r.endsWith("%") ? Double.parseDouble(r.substring(0, r.length() - 1).trim()) / 100 : Double.parseDouble(r);
            } catch (NumberFormatException e) {
                ratio = -1.0;
            }
            if (!(ratio > 0 && ratio <= 1)) {
                throw CachectlException.usage(names.of("--if-hit-ratio-below") + " '" + d.ifHitRatioBelow()
                        + "': a ratio above 0 and up to 1 (0.9) or a percentage (90%)");
            }
        }
        if (d.ifKeysBelow() != null && d.ifKeysBelow() < 1) {
            throw CachectlException.usage(names.of("--if-keys-below") + " must be at least 1");
        }
        return new WarmJob.Gates(ratio, d.ifKeysBelow());
    }

    /**
     * How an error names a setting: as the flag when it was typed (after the job's name, if any), else as the
     * job's setting where its config file has it ("cachectl.yaml, line 7, column 5: jobs.users.ttl"), which is
     * what cron and a cron run's mail show.
     */
    private record Names(String what, WarmJobDefinition typed, WarmJobDefinition job, String jobName, Config config) {
        String of(String flag) {
            String setting = flag.substring(2);
            if (job == null || given(typed, setting) || !given(job, setting)) {
                return what + flag;
            }
            return config.settingAt("jobs", jobName, setting);
        }

        /** {@code problem} for a setting neither typed nor in the job: for a job, where the job is written. */
        String missing(String setting, String problem) {
            return job == null ? problem : config.settingAt("jobs", jobName) + " has no " + setting + ": " + problem;
        }

        /** Whether {@code d} gives the setting that cachectl.yaml and the flag call {@code setting} ("ttl-jitter"). */
        private static boolean given(WarmJobDefinition d, String setting) {
            // the component of "ttl-jitter" is ttlJitter
            String component = java.util.regex.Pattern.compile("-(.)").matcher(setting).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT));
            for (java.lang.reflect.RecordComponent c : WarmJobDefinition.class.getRecordComponents()) {
                if (c.getName().equals(component)) {
                    try {
                        return c.getAccessor().invoke(d) != null;
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            throw new IllegalArgumentException("no warm job setting " + setting);
        }
    }

    /** Runs of the same source into the same target share a lock; different pairs do not block each other. */
    private static String derivedLock(WarmJob.Source source, WarmJob.Target target) {
        String from;
        if (source instanceof WarmJob.FileSource f) {
            from = f.path() == null ? "stdin" : f.path().toAbsolutePath().toString();
        } else if (source instanceof WarmJob.HotKeys h) {
            from = h.endpoint().toString();
        } else {
            from = source.shown();
        }
        // FNV-1a: a lock name needs spread, not secrecy, and a MessageDigest costs start-up time
        long hash = 0xcbf29ce484222325L;
        for (byte b : (from + "\n" + target.endpoint()).getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return "adhoc-" + Long.toHexString(hash);
    }
}
