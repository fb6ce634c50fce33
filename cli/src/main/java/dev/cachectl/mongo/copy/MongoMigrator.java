package dev.cachectl.mongo.copy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.CopyRun;
import dev.cachectl.migrate.CopySummary;
import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.mongo.MongoUrls;
import dev.cachectl.progress.ProgressListener;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.json.JsonParseException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code migrate} between two MongoDB endpoints: checks both answer (and accept the credentials),
 * selects the collections, then runs the engine-neutral {@link CopyRun} over a {@link MongoCopier}
 * and, when asked, a {@link MongoVerifier}. {@code --dry-run} reports collections, counts, sizes and
 * an estimated time without writing anything.
 */
public final class MongoMigrator {
    /** What --dry-run assumes a copy achieves: scripts/bench/mongo's least loaded round, between two embedded servers. */
    static final double ASSUMED_DOCS_PER_SEC = 15_000;
    private static final int TIMEOUT_SECONDS = 3;

    private final Path dir;
    private volatile CopyRun run;
    private volatile String cancelled;

    /** {@code dir}: where checkpoints and lists of refused documents go by default (the home's migrate folder). */
    public MongoMigrator(Path dir) {
        this.dir = dir;
    }

    public void cancel(String reason) {
        cancelled = reason;
        CopyRun r = run;
        if (r != null) {
            r.cancel(reason);
        }
    }

    /** The {@code --query} filter; a usage error (exit 2) when it is not an Extended JSON object. */
    public static BsonDocument query(String json) {
        if (json == null || json.isBlank()) {
            return new BsonDocument();
        }
        try {
            return BsonDocument.parse(json);
        } catch (JsonParseException | IllegalArgumentException | org.bson.BsonInvalidOperationException e) {
            throw CachectlException.usage("--query is not an Extended JSON object: " + json);
        }
    }

    public CopyRun.Result run(MongoMigrationPlan plan, ProgressListener progress) {
        BsonDocument query = query(plan.query());
        try (MongoClient source = connect(plan.source()); MongoClient target = connect(plan.target())) {
            check(source, plan.source());
            check(target, plan.target());
            MongoCopier copier;
            try {
                copier = new MongoCopier(source, target, plan, query);
            } catch (MongoException e) {
                throw MongoFailures.translate(e, plan.source(), "listing its collections");
            }
            List<String> job = job(plan);
            String fingerprint = sha256(String.join("\n", job));
            Path checkpoint = plan.checkpoint() != null ? plan.checkpoint()
                    : dir.resolve("migrate-mongo-" + fingerprint.substring(0, 16) + ".json");
            if (plan.batch().dryRun()) {
                return dryRun(plan, copier, source, query);
            }
            CopyRun.Settings settings = new CopyRun.Settings("mongo", plan.source().toString(), plan.target().toString(),
                    plan.batch().threads(), plan.batch().ratePerSecond(), checkpoint, plan.resume(), fingerprint, job,
                    dir.resolve("refused-" + fingerprint.substring(0, 16) + ".txt"));
            run = new CopyRun(copier, settings, progress);
            if (cancelled != null) {
                run.cancel(cancelled);
            }
            Path verifyList = dir.resolve("verify-" + fingerprint.substring(0, 16) + ".txt");
            return run.run(plan.verify().equals("none") ? null
                    : units -> new MongoVerifier(source, target, copier, query, plan).verify(units, verifyList));
        }
    }

    private CopyRun.Result dryRun(MongoMigrationPlan plan, MongoCopier copier, MongoClient source, BsonDocument query) {
        long started = System.nanoTime();
        long documents = 0;
        long bytes = 0;
        List<CopySummary.Collection> collections = new ArrayList<>();
        try {
            for (CopyUnit unit : copier.units()) {
                Namespaces.Pair p = copier.pair(unit);
                long count = query.isEmpty() ? unit.estimatedItems()
                        : source.getDatabase(p.sourceDb()).getCollection(p.sourceCollection()).countDocuments(query);
                long size = unit.estimatedItems() == 0 ? 0 : unit.estimatedBytes() * count / unit.estimatedItems();
                documents += count;
                bytes += size;
                collections.add(new CopySummary.Collection(unit.name(), unit.targetName(), count, size, 0, 0, 0, false));
            }
        } catch (MongoException e) {
            throw MongoFailures.translate(e, plan.source(), "counting documents");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = plan.batch().ratePerSecond() > 0 ? Math.min(ASSUMED_DOCS_PER_SEC, plan.batch().ratePerSecond())
                : ASSUMED_DOCS_PER_SEC;
        double estimated = Math.round(documents / rate * 10) / 10.0;
        return new CopyRun.Result(new CopySummary("mongo", plan.source().toString(), plan.target().toString(), "completed",
                true, plan.resume(), documents, 0, 0, 0, java.util.Map.of(), List.of(), null, 0, seconds, 0, bytes, estimated,
                collections, null, null, List.of(), null), ExitCode.DONE);
    }

    private static MongoClient connect(Endpoint address) {
        try {
            MongoClientSettings settings = MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(MongoUrls.connectionString(address)))
                    .applyToClusterSettings(b -> b.serverSelectionTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .applyToSocketSettings(b -> b.connectTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .build();
            return MongoClients.create(settings);
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage("not a valid MongoDB URL: " + address + " ("
                    + CachectlException.withoutJavaNames(e.getMessage()) + ")");
        }
    }

    /** Both ends answer and accept the credentials before anything is planned. */
    private static void check(MongoClient client, Endpoint address) {
        try {
            client.getDatabase(MongoUrls.database(address).orElse("admin"))
                    .runCommand(new BsonDocument("ping", new BsonInt32(1)));
        } catch (MongoException e) {
            CachectlException failure = MongoFailures.translate(e, address, "connecting");
            if (failure.exitCode() == ExitCode.DOWN) {
                throw new CachectlException(ExitCode.DOWN, "cannot reach " + address + " within " + TIMEOUT_SECONDS + "s", e);
            }
            throw failure;
        }
    }

    private static List<String> job(MongoMigrationPlan plan) {
        return List.of("source " + plan.source(), "target " + plan.target(), "match " + plan.match(),
                "exclude " + plan.exclude(), "rename " + new TreeMap<>(plan.renames()), "query " + plan.query());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
