package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.StartResult;
import dev.cachectl.redis.RedisEngine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code cachectl start NAME…}: launch managed instances, or check that external ones answer. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start managed instances (or check that external ones answer) and print their URLs.",
                "A managed server runs detached, bound to 127.0.0.1, until 'cachectl stop' or its idle timeout."})
public final class StartCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*",
            description = "Instance names (default: 'default'), or redis:// or mongodb:// URLs to check.")
    List<String> names = new ArrayList<>();

    @Option(names = "--engine", paramLabel = "ENGINE", description = "Engine of a new instance: redis (default) or mongo (mongod when found, else an embedded server).")
    String engine;

    @Option(names = "--port", paramLabel = "N|auto",
            description = "Port to listen on, or 'auto' for a free one (default: auto); for a cluster, the first node's port.")
    String port;

    // no brackets in the label: the man page's AsciiDoc would take them for markup and garble the synopsis
    @Option(names = "--cluster", paramLabel = "SHAPE",
            description = "Start a local Redis Cluster of SHAPE, MASTERS or MASTERSxREPLICAS: e.g. 3 (three masters) or 3x1"
                    + " (each with one replica), on ports N, N+1, ….")
    String cluster;

    @Option(names = "--tls", description = "Serve TLS only (rediss://), with a certificate from a certificate authority made "
            + "for the instance (needs openssl); cachectl trusts it, and 'run' passes its file in REDIS_CA_CERT.")
    Boolean tls;

    @Option(names = "--maxmemory", paramLabel = "SIZE", converter = Converters.SizeConverter.class,
            description = "Memory limit, e.g. 256mb or 1gb (default: none).")
    Long maxmemory;

    /** The maxmemory policies, as typed (completion lists them). */
    static final class Policies extends java.util.ArrayList<String> {
        Policies() {
            super(RedisEngine.policies());
        }
    }

    @Option(names = "--policy", paramLabel = "POLICY", completionCandidates = Policies.class,
            description = "Eviction policy, e.g. allkeys-lru, allkeys-lfu, noeviction.")
    String policy;

    @Option(names = "--persist", description = "Keep data across restarts (RDB snapshots and AOF in the data dir).")
    Boolean persist;

    @ArgGroup(exclusive = true)
    PasswordOptions password;

    static final class PasswordOptions {
        @Option(names = "--password", paramLabel = "PASSWORD", description = "Require this password (kept in a 0600 file, never on a command line).")
        String value;

        @Option(names = "--generate-password", description = "Require a random password; see it with --show-password.")
        boolean generate;
    }

    @Option(names = "--show-password", description = "Print URLs with the password instead of ***.")
    boolean showPassword;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Stop the instance after this long without a client command, e.g. 15m.")
    Duration idleTimeout;

    @Option(names = "--binary", paramLabel = "PATH", description = "redis-server or mongod to run (default: config, then PATH, then the bundled or embedded one).")
    Path binary;

    @Option(names = "--wait", paramLabel = "DURATION",
            description = "How long to wait for the server to answer, or a cluster to be ready (default: 10s, 30s for a cluster).")
    Duration wait;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        List<String> targets = names.isEmpty() ? List.of(InstanceCatalog.DEFAULT_NAME) : names;
        if (targets.size() > 1 && port != null && !port.equalsIgnoreCase("auto")) {
            throw CachectlException.usage("--port " + port + " cannot be given to " + targets.size()
                    + " instances at once; use --port auto or start them one by one");
        }
        // Ctrl-C or SIGTERM stops a start, which stops what it launched and says it was interrupted (exit 130)
        PerInstance<StartResult> batch = startAll(ctx, output, targets);
        if (output.json()) {
            List<StartResult> results = batch.results();
            output.printJson(Map.of("instances", showPassword ? results.stream().map(StartResult::unredacted).toList() : results));
        }
        return batch.exitCode();
    }

    private PerInstance<StartResult> startAll(CachectlCommand.Context ctx, Output output, List<String> targets) {
        return PerInstance.run(targets, target -> {
            InstanceRef ref = ctx.catalog().resolve(target);
            Map<String, Object> typed = typed();
            if (ref instanceof InstanceRef.Managed managed) {
                ref = new InstanceRef.Managed(managed.spec().overriddenBy(typed), managed.origin(), typed.keySet());
            } else if (!typed.isEmpty()) {
                output.warn("'" + ref.name() + "' is external (" + ref.origin() + "): server options are ignored");
            }
            StartResult result = ctx.lifecycle().start(ref, wait);
            if (!output.json()) {
                report(output, result);
            }
            return result;
        }, output);
    }

    private void report(Output output, StartResult r) {
        output.out().println(showPassword ? r.endpoint().secretUrl() : r.url());
        String processes = r.nodes() == null ? "pid " + r.pid()
                : "cluster " + r.cluster() + ": " + r.nodes().size() + " nodes on ports " + ports(r.nodes())
                + ", first pid " + r.pid();
        switch (r.outcome()) {
            case STARTED -> output.note("started '" + r.name() + "' (" + processes + ", " + r.engine() + " "
                    + r.version() + ", binary from " + r.binarySource() + ")");
            case ALREADY_RUNNING -> output.note("'" + r.name() + "' is already running (" + processes + ")");
            case GROWN -> output.note("grew '" + r.name() + "' to " + processes + "; the new masters hold no slots: run `cachectl rebalance "
                    + r.name() + " --apply` to move data onto them");
            case EXTERNAL -> output.note("'" + r.name() + "' is external and answers (" + r.engine() + " " + r.version()
                    + "); nothing started");
        }
        r.notes().forEach(n -> output.warn(r.name() + ": " + n));
    }

    /** "30001-30006" when consecutive (--port N), else each one (--port auto picks them apart). */
    private static String ports(List<StartResult.Node> nodes) {
        int first = nodes.get(0).port();
        boolean consecutive = true;
        for (int i = 0; i < nodes.size(); i++) {
            consecutive &= nodes.get(i).port() == first + i;
        }
        return consecutive ? first + "-" + (first + nodes.size() - 1)
                : String.join(", ", nodes.stream().map(n -> Integer.toString(n.port())).toList());
    }

    /**
     * The settings typed on the command line, by the names cachectl.yaml gives them: they override the config's
     * ({@link InstanceSpec#overriddenBy}). A generated password is one per instance.
     */
    private Map<String, Object> typed() {
        Map<String, Object> t = new LinkedHashMap<>();
        put(t, InstanceSpec.ENGINE, engine == null ? null : engine.toLowerCase(Locale.ROOT));
        try {
            put(t, InstanceSpec.PORT, port == null ? null : InstanceCatalog.parsePortOrAuto(port));
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage("--port: " + e.getMessage());
        }
        put(t, ServerSettings.MAXMEMORY, maxmemory);
        put(t, ServerSettings.POLICY, policy == null ? null : policy.toLowerCase(Locale.ROOT));
        put(t, ServerSettings.PERSIST, persist);
        put(t, ServerSettings.PASSWORD, password == null ? null : password.generate ? generatePassword() : password.value);
        // zero overrides a configured idle timeout with none
        put(t, InstanceSpec.IDLE_TIMEOUT, idleTimeout);
        put(t, InstanceSpec.BINARY, binary == null ? null : top.environment().workingDir().resolve(binary));
        put(t, ServerSettings.TLS, tls);
        try {
            put(t, ServerSettings.CLUSTER, cluster == null ? null : ClusterShape.parse(cluster));
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage("--cluster: " + e.getMessage());
        }
        return t;
    }

    private static void put(Map<String, Object> settings, String name, Object value) {
        if (value != null) {
            settings.put(name, value);
        }
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
