package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;
import dev.cachectl.util.Sizes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings an instance was first started with, in {@code settings.json} of its folder (0600,
 * written atomically). Unlike the state file it survives {@code stop}: a {@code --persist} instance
 * keeps its folder, and with it what its data was made with. Later starts (and {@code run}) reuse
 * them: persistence, password, TLS and cluster shape belong to the data, so a start that asks for
 * another password, TLS or shape is refused (exit 2; more masters with the same replicas grow a running
 * cluster, see {@link ClusterGrowth}) and one without {@code --persist} persists
 * anyway; maxmemory and policy are tuning, taken from the start that gives them and recorded.
 * Only {@code stop --purge} (which deletes the folder) lets an instance start over.
 */
public record InstanceSettings(String engine, boolean persist, String password, boolean tls, String cluster,
                               Long maxmemory, String policy) {
    static final String FILE = "settings.json";

    static InstanceSettings of(InstanceSpec spec) {
        ServerSettings server = spec.server();
        return new InstanceSettings(spec.engine(), server.persist(), server.password(), server.tls(),
                server.cluster() == null ? null : server.cluster().toString(), server.maxmemory(),
                server.get(ServerSettings.POLICY, String.class));
    }

    /** What a state file tells of the settings (an older cachectl recorded no more): maxmemory and policy unknown. */
    static InstanceSettings of(InstanceState state) {
        return new InstanceSettings(state.engine(), state.persist(), state.password(), state.tlsCa() != null, state.cluster(),
                null, null);
    }

    /** The recorded settings in {@code dir}; exit 2 with the way out when the file is damaged. */
    static Optional<InstanceSettings> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            InstanceSettings s = RecordJson.read(Files.readAllBytes(file), InstanceSettings.class);
            if (s.engine() == null) {
                throw new IOException("no engine");
            }
            if (s.cluster() != null) {
                ClusterShape.parse(s.cluster());
            }
            return Optional.of(s);
        } catch (IOException | IllegalArgumentException e) {
            throw CachectlException.usage("settings file " + file + " is damaged (" + firstLine(e) + "): fix it, or remove it"
                    + " to let the next start record its own settings");
        }
    }

    void write(Path dir) {
        try {
            FileWrites.atomically(FileWrites.ensureDir(dir, dir.resolve(FILE).toString()).resolve(FILE), RecordJson.write(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the instance in {@code dir} keeps its data when stopped; a damaged settings file keeps it, to be safe. */
    static boolean keepsData(Path dir) {
        try {
            return read(dir).map(InstanceSettings::persist).orElse(false);
        } catch (CachectlException damaged) {
            return true;
        }
    }

    /**
     * The spec this start runs with: the recorded settings where they bind the data, the start's own
     * where they may change (noted in {@code notes}); a start that contradicts what binds is refused.
     */
    InstanceSpec applyTo(InstanceSpec spec, List<String> notes) {
        String name = spec.name();
        String wayOut = "'cachectl stop " + name + " --purge' deletes its data and lets it start over";
        if (!engine.equals(spec.engine())) {
            throw CachectlException.usage("'" + name + "' keeps the data of a " + engine + " instance: start it with --engine "
                    + engine + ", or " + wayOut);
        }
        if (spec.password() != null && !spec.password().equals(password)) {
            throw CachectlException.usage("'" + name + "' keeps its data with " + (password == null ? "no password"
                    : "the password of its first start") + ": start it without --password" + (password == null ? ""
                    : " (it keeps that one)") + ", or " + wayOut);
        }
        if (spec.tls() && !tls) {
            throw CachectlException.usage("'" + name + "' was first started without --tls and keeps its data that way: start it"
                    + " without --tls, or " + wayOut);
        }
        String shape = spec.cluster() == null ? null : spec.cluster().toString();
        boolean grows = shape != null && cluster != null && ClusterGrowth.grows(ClusterShape.parse(cluster), spec.cluster());
        if (shape != null && cluster != null && spec.cluster().masters() < ClusterShape.parse(cluster).masters()) {
            throw CachectlException.usage(ClusterGrowth.noShrinkByStart(name, ClusterShape.parse(cluster), spec.cluster()));
        }
        if (shape != null && !shape.equals(cluster) && !grows) {
            throw CachectlException.usage("'" + name + "' keeps the data of " + (cluster == null ? "a standalone server"
                    : "a cluster " + cluster) + ", not of --cluster " + shape + ": start it without --cluster, or " + wayOut);
        }
        InstanceSpec result = spec.withPersist(persist).withPassword(password).withTls(tls)
                .withCluster(grows ? spec.cluster() : cluster == null ? null : ClusterShape.parse(cluster));
        if (persist && !spec.persist()) {
            notes.add("persists as at its first start (data kept across restarts); " + wayOut);
        }
        Long wantedMemory = spec.server().maxmemory();
        if (wantedMemory == null) {
            result = result.with(ServerSettings.MAXMEMORY, maxmemory);
        } else if (!wantedMemory.equals(maxmemory)) {
            notes.add("maxmemory " + (maxmemory == null ? "none" : Sizes.human(maxmemory)) + " -> "
                    + Sizes.human(wantedMemory) + ", recorded for later starts");
        }
        String wantedPolicy = spec.server().get(ServerSettings.POLICY, String.class);
        if (wantedPolicy == null) {
            result = result.with(ServerSettings.POLICY, policy);
        } else if (!wantedPolicy.equals(policy)) {
            notes.add("maxmemory-policy " + Objects.requireNonNullElse(policy, "default") + " -> " + wantedPolicy
                    + ", recorded for later starts");
        }
        return result;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
