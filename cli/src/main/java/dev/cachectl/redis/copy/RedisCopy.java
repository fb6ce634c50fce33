package dev.cachectl.redis.copy;

import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.Copy;
import dev.cachectl.migrate.CopyPlan;
import dev.cachectl.migrate.Migration;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.migrate.Summary;

import java.nio.file.Path;

/** The Redis engine's copy part: a {@link RedisMigration} of a {@link MigrationPlan}. */
public final class RedisCopy implements Copy {

    @Override
    public Migration open(CopyPlan plan, Path home) {
        return RedisMigration.open((MigrationPlan) plan, home);
    }

    @Override
    public Path checkpointFile(CopyPlan plan, Path home) {
        return RedisMigration.checkpointFile((MigrationPlan) plan, home);
    }

    @Override
    public String follow(CopyPlan plan) {
        MigrationPlan p = (MigrationPlan) plan;
        return p.live() == null ? null : server(p.source()) + " to " + server(p.target());
    }

    private static String server(Endpoint endpoint) {
        return (endpoint.cluster() ? "cluster " : "") + endpoint.host() + ":" + endpoint.port();
    }

    @Override
    public Summary skipped(CopyPlan plan, String reason) {
        MigrationPlan p = (MigrationPlan) plan;
        return MigrationSummary.skipped(p.source().toString(), p.target().toString(), reason);
    }
}
