package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.CachectlException;
import dev.cachectl.lifecycle.ClusterShape;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.StartResult;
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
import java.util.List;
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

    @Option(names = "--cluster", paramLabel = "MASTERS[xREPLICAS]",
            description = "Start a local Redis Cluster: e.g. 3 (three masters) or 3x1 (each with one replica), on ports N, N+1, ….")
    String cluster;

    @Option(names = "--tls", description = "Serve TLS only (rediss://), with a certificate from a certificate authority made "
            + "for the instance (needs openssl); cachectl trusts it, and 'run' passes its file in REDIS_CA_CERT.")
    Boolean tls;

    @Option(names = "--maxmemory", paramLabel = "SIZE", converter = Converters.SizeConverter.class,
            description = "Memory limit, e.g. 256mb or 1gb (default: none).")
    Long maxmemory;

    @Option(names = "--policy", paramLabel = "POLICY", description = "Eviction policy, e.g. allkeys-lru, allkeys-lfu, noeviction.")
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
        // Ctrl-C interrupts the wait, and the start stops what it launched and says it was interrupted (exit 130)
        Thread starter = Thread.currentThread();
        PerInstance<StartResult> batch;
        try (Cancellation.Registration stop = top.cancellation().onCancel(reason -> starter.interrupt())) {
            batch = startAll(ctx, output, targets);
        } finally {
            // a signal that came after the last wait must not interrupt what follows
            Thread.interrupted();
        }
        if (output.json()) {
            List<StartResult> results = batch.results();
            output.printJson(Map.of("instances", showPassword ? results.stream().map(StartResult::unredacted).toList() : results));
        }
        return batch.exitCode();
    }

    private PerInstance<StartResult> startAll(CachectlCommand.Context ctx, Output output, List<String> targets) {
        return PerInstance.run(targets, target -> {
            InstanceRef ref = ctx.catalog().resolve(target);
            if (ref instanceof InstanceRef.Managed managed) {
                ref = new InstanceRef.Managed(apply(managed.spec()), managed.origin());
            } else if (hasManagedFlags()) {
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

    private boolean hasManagedFlags() {
        return engine != null || port != null || maxmemory != null || policy != null || persist != null
                || password != null || idleTimeout != null || binary != null || cluster != null || tls != null;
    }

    /** Command-line flags override the config file's settings. */
    private InstanceSpec apply(InstanceSpec s) {
        if (engine != null) {
            s = s.withEngine(engine.toLowerCase(java.util.Locale.ROOT));
        }
        if (port != null) {
            try {
                s = s.withPort(port.equalsIgnoreCase("auto") ? null : InstanceCatalog.parsePort(port));
            } catch (IllegalArgumentException e) {
                throw CachectlException.usage("--port: " + e.getMessage());
            }
        }
        if (maxmemory != null) {
            s = s.withMaxmemory(maxmemory);
        }
        if (policy != null) {
            s = s.withPolicy(policy.toLowerCase(java.util.Locale.ROOT));
        }
        if (persist != null) {
            s = s.withPersist(persist);
        }
        if (password != null) {
            s = s.withPassword(password.generate ? generatePassword() : password.value);
        }
        if (idleTimeout != null) {
            s = s.withIdleTimeout(idleTimeout.isZero() ? null : idleTimeout);
        }
        if (binary != null) {
            s = s.withBinary(top.environment().workingDir().resolve(binary));
        }
        if (tls != null) {
            s = s.withTls(tls);
        }
        if (cluster != null) {
            try {
                s = s.withCluster(ClusterShape.parse(cluster));
            } catch (IllegalArgumentException e) {
                throw CachectlException.usage("--cluster: " + e.getMessage());
            }
        }
        return s;
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
