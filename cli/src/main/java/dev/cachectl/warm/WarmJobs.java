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

    private WarmJobs() {
    }

    /**
     * {@code typed} holds the flags given on the command line (null where absent); {@code defaults}
     * the batch settings of flags not given; relative paths typed are read from {@code workingDir},
     * those in a job from the config file's directory.
     */
    public static WarmJob build(String jobName, WarmJobDefinition typed, BatchSettings defaults, Config config,
                                TargetResolver resolver, Path workingDir) {
        WarmJobDefinition job = jobName == null ? null : job(jobName, config);
        String what = jobName == null ? "" : "job '" + jobName + "': ";
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
        WarmJob.Target target = resolver.resolveTarget(to);

        String sourceText = d.source();
        if (sourceText == null || sourceText.isBlank()) {
            throw CachectlException.usage(what + "name a SOURCE: a JSON Lines or CSV file, - for stdin, "
                    + "mongodb://host/db.collection, or a Redis with --top N");
        }
        Path base = typed.source() != null ? workingDir : jobDir;
        WarmJob.Source source = source(sourceText, d, base, resolver, what);
        RecordMapper mapper = null;
        if (source instanceof WarmJob.HotKeys hot) {
            rejectMapping(d, category, what);
            if (hot.endpoint().equals(target.endpoint())) {
                throw CachectlException.usage(what + "the source and the target are the same Redis (" + target.name() + ")");
            }
        } else {
            mapper = mapper(d, category, category == null ? null
                    : "category '" + d.category() + "'" + (config.source() == null ? "" : " (" + config.source() + ")"), what);
        }
        if (d.format() != null && !(source instanceof WarmJob.FileSource)) {
            throw CachectlException.usage(what + "--format applies to files and stdin only");
        }
        String lock = WarmLock.checkName(first(d.lock(), jobName == null ? null : jobName.replaceAll("[^A-Za-z0-9._-]", "-"),
                derivedLock(source, target)));
        BatchSettings batch;
        try {
            batch = new BatchSettings(first(d.batch(), defaults.batch()), first(d.threads(), defaults.threads()),
                    first(d.rate(), defaults.ratePerSecond()), defaults.dryRun());
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(what + e.getMessage());
        }
        if (d.maxErrors() != null && d.maxErrors() < 0) {
            throw CachectlException.usage(what + "--max-errors must be 0 or more");
        }
        return new WarmJob(jobName, source, target, mapper, Boolean.TRUE.equals(d.nx()), lock, gates(d, what),
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

    private static WarmJob.Source source(String text, WarmJobDefinition d, Path base, TargetResolver resolver, String what) {
        boolean mongo = MongoUrl.looksLike(text);
        if (!mongo && (d.query() != null || d.projection() != null)) {
            throw CachectlException.usage(what + "--query and --projection apply to a mongodb:// source only");
        }
        if (d.top() != null) {
            if (d.top() < 1) {
                throw CachectlException.usage(what + "--top must be at least 1");
            }
            if (mongo || text.equals("-")) {
                throw CachectlException.usage(what + "--top applies to a Redis source (an instance name or redis:// URL)");
            }
            WarmJob.Target from = resolver.resolve(text);
            if (from.endpoint().cluster()) {
                throw CachectlException.usage(what + "hot keys are read from a standalone Redis; "
                        + from.name() + " is a cluster (name one of its nodes)");
            }
            return new WarmJob.HotKeys(from.name(), from.endpoint(), d.top());
        }
        if (mongo) {
            MongoUrl url = MongoUrl.parse(text);
            String query = json(d.query());
            String projection = json(d.projection());
            MongoSource.parse("--query", query);
            MongoSource.parse("--projection", projection);
            return new WarmJob.MongoSource(url, query, projection);
        }
        if (text.startsWith("redis://") || text.startsWith("rediss://") || text.startsWith("redis+cluster://")) {
            throw CachectlException.usage(what + "a Redis source needs --top N: warm copies its N hottest keys");
        }
        SourceFormat format = format(d.format(), what);
        if (text.equals("-")) {
            return new WarmJob.FileSource(null, format, "stdin");
        }
        Path path = base.resolve(text).normalize();
        if (!Files.isRegularFile(path)) {
            throw CachectlException.usage(what + (Files.exists(path) ? path + " is not a file" : "no such file: " + path)
                    + resolver.sourceHint(text));
        }
        return new WarmJob.FileSource(path, format, text);
    }

    private static SourceFormat format(String text, String what) {
        if (text == null) {
            return SourceFormat.auto;
        }
        try {
            return SourceFormat.valueOf(text.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(what + "--format '" + text + "': use auto, jsonl or csv");
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
    private static RecordMapper mapper(WarmJobDefinition d, CategoryDefinition category, String categoryName, String what) {
        if (d.key() == null || d.key().isBlank()) {
            throw CachectlException.usage(what + "--key is required: a template of record fields, e.g. --key 'user:{id}'");
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
                throw CachectlException.usage(what + "--as '" + d.as() + "': use string, hash or json");
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
        // a value the category gave is named as the category's, not as a flag nobody typed
        String ttlName = d.ttl() == null && category != null && category.ttl() != null
                ? "the ttl of " + categoryName : "--ttl";
        String jitterName = d.ttlJitter() == null && category != null && category.ttlJitter() != null
                ? "the ttl-jitter of " + categoryName : "--ttl-jitter";
        return new RecordMapper(key, as, d.value(), TtlPolicy.of(ttl, d.ttlField(), jitter, what, ttlName, jitterName));
    }

    private static WarmJob.Gates gates(WarmJobDefinition d, String what) {
        Double ratio = null;
        if (d.ifHitRatioBelow() != null) {
            String r = d.ifHitRatioBelow().trim();
            try {
                ratio = r.endsWith("%") ? Double.parseDouble(r.substring(0, r.length() - 1).trim()) / 100 : Double.parseDouble(r);
            } catch (NumberFormatException e) {
                ratio = -1.0;
            }
            if (!(ratio > 0 && ratio <= 1)) {
                throw CachectlException.usage(what + "--if-hit-ratio-below '" + d.ifHitRatioBelow()
                        + "': a ratio above 0 and up to 1 (0.9) or a percentage (90%)");
            }
        }
        if (d.ifKeysBelow() != null && d.ifKeysBelow() < 1) {
            throw CachectlException.usage(what + "--if-keys-below must be at least 1");
        }
        return new WarmJob.Gates(ratio, d.ifKeysBelow());
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
