package dev.cachectl.mongo.copy;

import dev.cachectl.util.Hashes;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.Copy;
import dev.cachectl.migrate.CopyPlan;
import dev.cachectl.migrate.CopyRun;
import dev.cachectl.migrate.CopySummary;
import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.migrate.Migration;
import dev.cachectl.migrate.Summary;
import dev.cachectl.migrate.Verified;
import dev.cachectl.mongo.MongoUrls;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.json.JsonParseException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * MongoDB's copy part: {@code migrate} between two MongoDB endpoints checks both answer (and accept the
 * credentials), selects the collections, and hands the orchestrator ({@link CopyRun}) a {@link MongoCopier}
 * and, when asked, a {@link MongoVerifier}. {@code --dry-run} reports collections, counts, sizes and
 * an estimated time without writing anything.
 */
public final class MongoMigrator implements Copy {
    /** What --dry-run assumes a copy achieves: scripts/bench/mongo's least loaded round, between two embedded servers. */
    static final double ASSUMED_DOCS_PER_SEC = 15_000;
    private static final int TIMEOUT_SECONDS = 3;

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

    @Override
    public Migration open(CopyPlan copyPlan, Path home) {
        MongoMigrationPlan plan = (MongoMigrationPlan) copyPlan;
        Path dir = home.resolve("migrate");
        BsonDocument query = query(plan.query());
        MongoClient source = connect(plan.source());
        MongoClient target = null;
        try {
            target = connect(plan.target());
            check(source, plan.source());
            check(target, plan.target());
            MongoCopier copier;
            try {
                copier = new MongoCopier(source, target, plan, query);
            } catch (MongoException e) {
                throw MongoFailures.translate(e, plan.source(), "listing its collections");
            }
            refuseCopyOntoItself(plan, copier);
            List<String> job = job(plan);
            String fingerprint = Hashes.sha256(String.join("\n", job));
            Path checkpoint = checkpointFile(plan, home);
            CopyRun.Settings settings = new CopyRun.Settings("mongo", plan.source().toString(), plan.target().toString(),
                    plan.batch().threads(), plan.batch().ratePerSecond(), checkpoint, plan.resume(), fingerprint, job,
                    dir.resolve("refused-" + fingerprint.substring(0, 16) + ".txt"));
            Path verifyList = dir.resolve("verify-" + fingerprint.substring(0, 16) + ".txt");
            return new MongoMigration(plan, source, target, copier, query, settings, verifyList);
        } catch (RuntimeException e) {
            source.close();
            if (target != null) {
                target.close();
            }
            throw e;
        }
    }

    /** The job's checkpoint: {@code --checkpoint}, or one named by the job's fingerprint under {@code HOME/migrate}. */
    @Override
    public Path checkpointFile(CopyPlan copyPlan, Path home) {
        MongoMigrationPlan plan = (MongoMigrationPlan) copyPlan;
        String fingerprint = Hashes.sha256(String.join("\n", job(plan)));
        return plan.checkpoint() != null ? plan.checkpoint()
                : home.resolve("migrate").resolve("migrate-mongo-" + fingerprint.substring(0, 16) + ".json");
    }

    @Override
    public Summary skipped(CopyPlan copyPlan, String reason) {
        MongoMigrationPlan plan = (MongoMigrationPlan) copyPlan;
        return CopySummary.skipped("mongo", plan.source().toString(), plan.target().toString(), reason);
    }

    /** A MongoDB migrate set up: its clients, copier and settings. */
    private record MongoMigration(MongoMigrationPlan plan, MongoClient source, MongoClient target, MongoCopier copier,
                                  BsonDocument query, CopyRun.Settings settings, Path verifyList) implements Migration {
        @Override
        public boolean dryRun() {
            return plan.batch().dryRun();
        }

        @Override
        public CopyRun.Result estimate() {
            return MongoMigrator.dryRun(plan, copier, source, query);
        }

        @Override
        public Verified verify(List<CopyUnit> units) {
            return plan.verify().equals("none") ? null
                    : new MongoVerifier(source, target, copier, query, plan).verify(units, verifyList);
        }

        @Override
        public CopyRun.Result result(CopyRun.Ended ended) {
            return CopyRun.neutralResult(settings, ended);
        }

        @Override
        public void close() {
            try {
                source.close();
            } finally {
                target.close();
            }
        }
    }

    private static CopyRun.Result dryRun(MongoMigrationPlan plan, MongoCopier copier, MongoClient source, BsonDocument query) {
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

    /**
     * Both ends on one server (see {@link #sameServer}) with a collection that would go onto itself: such a copy
     * writes nothing new, yet would report every document copied.
     */
    private static void refuseCopyOntoItself(MongoMigrationPlan plan, MongoCopier copier) {
        if (!sameServer(plan.source(), plan.target())) {
            return;
        }
        List<String> ontoItself = copier.units().stream().map(copier::pair).filter(p -> p.source().equals(p.target()))
                .map(Namespaces.Pair::source).toList();
        if (!ontoItself.isEmpty()) {
            int more = ontoItself.size() - 1;
            throw CachectlException.usage("source and target are the same server (" + plan.source() + "): it would copy "
                    + ontoItself.get(0) + (more > 0 ? " (and " + more + " more collection" + (more > 1 ? "s" : "") + ")" : "")
                    + " onto itself; rename with --rename DB=DB or DB.COLLECTION=DB.COLLECTION, name another database in "
                    + "the target URL, or pick another target");
        }
    }

    /** True when the two ends share a server address: the same host and port, or loopback (localhost, 127.x, ::1) on the same port. */
    static boolean sameServer(Endpoint a, Endpoint b) {
        List<String> ofA = a.seeds().stream().map(MongoMigrator::address).toList();
        return b.seeds().stream().map(MongoMigrator::address).anyMatch(ofA::contains);
    }

    private static String address(String seed) {
        int colon = seed.lastIndexOf(':');
        String host = seed.substring(0, colon).replace("[", "").replace("]", "").toLowerCase(java.util.Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.equals("localhost.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1") || host.matches("127(\\.\\d{1,3}){3}");
        return (loopback ? "loopback" : host) + seed.substring(colon);
    }

    private static List<String> job(MongoMigrationPlan plan) {
        return List.of("source " + plan.source(), "target " + plan.target(), "match " + plan.match(),
                "exclude " + plan.exclude(), "rename " + new TreeMap<>(plan.renames()), "query " + plan.query());
    }
}
