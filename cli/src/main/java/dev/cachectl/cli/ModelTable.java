package dev.cachectl.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;

import static dev.cachectl.cli.ModelParts.group;
import static dev.cachectl.cli.ModelParts.inject;
import static dev.cachectl.cli.ModelParts.member;
import static dev.cachectl.cli.ModelParts.mixin;
import static dev.cachectl.cli.ModelParts.option;
import static dev.cachectl.cli.ModelParts.positional;
import static dev.cachectl.cli.ModelParts.scope;
import static dev.cachectl.cli.ModelParts.standardHelpOptions;

/**
 * GENERATED from the commands' picocli annotations by ModelTableSource (a test class): do not edit. After a change
 * to an option, run {@code mvn test -Dtest=ModelTableTest -Dcachectl.regenerate=true} in cli/ to write it again.
 * <p>
 * Every command's model built with picocli's programmatic API, which a run uses instead of the annotations:
 * picocli reads an annotation through a proxy class that the JDK generates on each run (one per annotation type),
 * and building a command's model from them was a third of a {@code status}. Help, completion and the man pages
 * still read the annotations; {@code ModelTableTest} checks that both models parse alike.
 */
final class ModelTable {
    private ModelTable() {
    }

    /** The model of {@code command} (the root's, or a subcommand's made by {@code CachectlCommand.newSubcommand}). */
    static CommandSpec of(Object command, CachectlCommand root) {
        return switch (command.getClass().getName()) {
            case "dev.cachectl.cli.CachectlCommand" -> root((CachectlCommand) command, root);
            case "dev.cachectl.cli.StartCommand" -> start((StartCommand) command, root);
            case "dev.cachectl.cli.StopCommand" -> stop((StopCommand) command, root);
            case "dev.cachectl.cli.StatusCommand" -> status((StatusCommand) command, root);
            case "dev.cachectl.cli.RunCommand" -> run((RunCommand) command, root);
            case "dev.cachectl.cli.WarmCommand" -> warm((WarmCommand) command, root);
            case "dev.cachectl.cli.CronCommand" -> cron((CronCommand) command, root);
            case "dev.cachectl.cli.MigrateCommand" -> migrate((MigrateCommand) command, root);
            case "dev.cachectl.cli.RebalanceCommand" -> rebalance((RebalanceCommand) command, root);
            case "dev.cachectl.cli.BenchCommand" -> bench((BenchCommand) command, root);
            case "dev.cachectl.cli.CompletionCommand" -> completion((CompletionCommand) command, root);
            case "dev.cachectl.cli.SuperviseCommand" -> supervise((SuperviseCommand) command, root);
            case "dev.cachectl.cli.ShellCommand" -> shell((ShellCommand) command, root);
            default -> throw new IllegalArgumentException("no model of " + command.getClass().getName() + " in ModelTable");
        };
    }

    private static CommandSpec root(CachectlCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("cachectl");
        spec.versionProvider(new VersionProvider());
        spec.addOption(option(s, "configFile", "--config").paramLabel("FILE").type(java.nio.file.Path.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "homeDir", "--home").paramLabel("DIR").type(java.nio.file.Path.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "json", "--json").paramLabel("<json>").type(boolean.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "quiet", "-q", "--quiet").paramLabel("<quiet>").type(boolean.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "verbose", "-v", "--verbose").paramLabel("<verbose>").type(boolean.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "noColor", "--no-color").paramLabel("<noColor>").type(boolean.class).scopeType(ScopeType.INHERIT).build());
        spec.addOption(option(s, "progress", "--progress").paramLabel("MODE").type(CachectlCommand.Progress.class).defaultValue("auto").scopeType(ScopeType.INHERIT).build());
        standardHelpOptions(spec);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec start(StartCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("start");
        spec.addPositional(positional(s, "names").index("*").paramLabel("NAME").arity("0..*").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "engine", "--engine").paramLabel("ENGINE").type(String.class).build());
        spec.addOption(option(s, "port", "--port").paramLabel("N|auto").type(String.class).build());
        spec.addOption(option(s, "cluster", "--cluster").paramLabel("SHAPE").type(String.class).build());
        spec.addOption(option(s, "tls", "--tls").paramLabel("<tls>").type(Boolean.class).build());
        spec.addOption(option(s, "maxmemory", "--maxmemory").paramLabel("SIZE").type(Long.class).converters(new Converters.SizeConverter()).build());
        spec.addOption(option(s, "policy", "--policy").paramLabel("POLICY").type(String.class).build());
        spec.addOption(option(s, "persist", "--persist").paramLabel("<persist>").type(Boolean.class).build());
        ModelParts.Scope g1 = member(s, "password");
        spec.addArgGroup(group(s, "password", g1).exclusive(true).multiplicity("0..1")
                .addArg(option(g1, "value", "--password").paramLabel("PASSWORD").type(String.class).hasInitialValue(false).build())
                .addArg(option(g1, "generate", "--generate-password").paramLabel("<generate>").type(boolean.class).hasInitialValue(false).build())
                .build());
        spec.addOption(option(s, "showPassword", "--show-password").paramLabel("<showPassword>").type(boolean.class).build());
        spec.addOption(option(s, "idleTimeout", "--idle-timeout").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addOption(option(s, "binary", "--binary").paramLabel("PATH").type(java.nio.file.Path.class).build());
        spec.addOption(option(s, "wait", "--wait").paramLabel("DURATION").type(java.time.Duration.class).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec stop(StopCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("stop");
        ModelParts.Scope g1 = member(s, "which");
        spec.addArgGroup(group(s, "which", g1).exclusive(true).multiplicity("0..1")
                .addArg(positional(g1, "names").index("*").paramLabel("NAME").arity("1..*").type(java.util.List.class).auxiliaryTypes(String.class).hasInitialValue(false).build())
                .addArg(option(g1, "all", "--all").paramLabel("<all>").type(boolean.class).hasInitialValue(false).build())
                .build());
        spec.addOption(option(s, "save", "--save").paramLabel("<save>").type(boolean.class).build());
        spec.addOption(option(s, "timeout", "--timeout").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("30s").build());
        spec.addOption(option(s, "purge", "--purge").paramLabel("<purge>").type(boolean.class).build());
        spec.addOption(option(s, "node", "--node").paramLabel("HOST:PORT").type(String.class).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec status(StatusCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("status");
        spec.addPositional(positional(s, "names").index("*").paramLabel("NAME").arity("0..*").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "interval", "--interval").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addOption(option(s, "watch", "--watch").paramLabel("<watch>").type(boolean.class).build());
        spec.addOption(option(s, "prometheus", "--prometheus").paramLabel("<prometheus>").type(boolean.class).build());
        spec.addOption(option(s, "prometheusFile", "--prometheus-file").paramLabel("PATH").type(java.nio.file.Path.class).build());
        spec.addOption(option(s, "serve", "--serve").paramLabel("[HOST:]PORT").type(String.class).build());
        ModelParts.Scope m1 = mixin(s, "analyze");
        CommandSpec mixin1 = CommandSpec.wrapWithoutInspection(m1.get());
        mixin1.addOption(option(m1, "analyze", "--analyze").paramLabel("<analyze>").type(boolean.class).build());
        mixin1.addOption(option(m1, "sample", "--sample").paramLabel("N").type(long.class).defaultValue("10000").build());
        mixin1.addOption(option(m1, "full", "--full").paramLabel("<full>").type(boolean.class).build());
        mixin1.addOption(option(m1, "delimiter", "--delimiter").paramLabel("TEXT").type(String.class).defaultValue(":").build());
        mixin1.addOption(option(m1, "depth", "--depth").paramLabel("N").type(int.class).defaultValue("1").build());
        mixin1.addOption(option(m1, "top", "--top").paramLabel("N").type(int.class).defaultValue("10").build());
        mixin1.addOption(option(m1, "rate", "--rate").paramLabel("KEYS/S").type(long.class).defaultValue("0").build());
        spec.addMixin("analyze", mixin1);
        spec.addOption(option(s, "check", "--check").paramLabel("<check>").type(boolean.class).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec run(RunCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("run");
        spec.addOption(option(s, "with", "--with").paramLabel("NAME").type(java.util.List.class).auxiliaryTypes(String.class).splitRegex(",").build());
        spec.addOption(option(s, "keep", "--keep").paramLabel("<keep>").type(boolean.class).build());
        spec.addOption(option(s, "warm", "--warm").paramLabel("JOB").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "wait", "--wait").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addOption(option(s, "killAfter", "--kill-after").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addPositional(positional(s, "command").index("*").paramLabel("CMD").arity("1..*").type(java.util.List.class).auxiliaryTypes(String.class).required(true).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec warm(WarmCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("warm");
        spec.addPositional(positional(s, "source").index("0+").paramLabel("SOURCE").arity("0..1").type(String.class).build());
        spec.addOption(option(s, "to", "--to").paramLabel("TARGET").type(String.class).build());
        spec.addOption(option(s, "job", "--job").paramLabel("NAME").type(String.class).build());
        spec.addOption(option(s, "format", "--format").paramLabel("FORMAT").type(dev.cachectl.warm.source.SourceFormat.class).build());
        spec.addOption(option(s, "key", "--key").paramLabel("TEMPLATE").type(String.class).build());
        spec.addOption(option(s, "as", "--as").paramLabel("KIND").type(dev.cachectl.warm.ValueKind.class).build());
        spec.addOption(option(s, "value", "--value").paramLabel("FIELD").type(String.class).build());
        spec.addOption(option(s, "ttl", "--ttl").paramLabel("DURATION").type(String.class).build());
        spec.addOption(option(s, "ttlField", "--ttl-field").paramLabel("FIELD").type(String.class).build());
        spec.addOption(option(s, "ttlJitter", "--ttl-jitter").paramLabel("SPREAD").type(String.class).build());
        spec.addOption(option(s, "category", "--category").paramLabel("NAME").type(String.class).build());
        spec.addOption(option(s, "query", "--query").paramLabel("JSON").type(String.class).build());
        spec.addOption(option(s, "projection", "--projection").paramLabel("JSON").type(String.class).build());
        spec.addOption(option(s, "topKeys", "--top").paramLabel("N").type(Integer.class).build());
        spec.addOption(option(s, "nx", "--nx").paramLabel("<nx>").type(boolean.class).build());
        spec.addOption(option(s, "lock", "--lock").paramLabel("NAME").type(String.class).build());
        spec.addOption(option(s, "ifHitRatioBelow", "--if-hit-ratio-below").paramLabel("RATIO").type(String.class).build());
        spec.addOption(option(s, "ifKeysBelow", "--if-keys-below").paramLabel("N").type(Long.class).build());
        spec.addOption(option(s, "maxErrors", "--max-errors").paramLabel("N").type(Long.class).build());
        spec.addOption(option(s, "threads", "--threads").paramLabel("N").type(Integer.class).build());
        ModelParts.Scope m1 = mixin(s, "batchOptions");
        CommandSpec mixin1 = CommandSpec.wrapWithoutInspection(m1.get());
        mixin1.addOption(option(m1, "batch", "--batch").paramLabel("N").type(int.class).defaultValue("500").build());
        mixin1.addOption(option(m1, "rate", "--rate").paramLabel("N").type(long.class).defaultValue("0").build());
        mixin1.addOption(option(m1, "dryRun", "--dry-run").paramLabel("<dryRun>").type(boolean.class).build());
        spec.addMixin("batchOptions", mixin1);
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec cron(CronCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("cron");
        ModelParts.Scope g1 = member(s, "change");
        spec.addArgGroup(group(s, "change", g1).exclusive(true).multiplicity("0..1")
                .addArg(option(g1, "install", "--install").paramLabel("<install>").type(boolean.class).hasInitialValue(false).build())
                .addArg(option(g1, "remove", "--remove").paramLabel("<remove>").type(boolean.class).hasInitialValue(false).build())
                .build());
        spec.addOption(option(s, "dryRun", "--dry-run").paramLabel("<dryRun>").type(boolean.class).build());
        spec.addOption(option(s, "launcher", "--launcher").paramLabel("PATH").type(java.nio.file.Path.class).build());
        spec.addOption(option(s, "crontabCommand", "--crontab").paramLabel("COMMAND").type(String.class).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec migrate(MigrateCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("migrate");
        spec.addPositional(positional(s, "source").index("0").paramLabel("SOURCE").type(String.class).required(true).build());
        spec.addPositional(positional(s, "target").index("1").paramLabel("TARGET").type(String.class).required(true).build());
        spec.addOption(option(s, "match", "--match").paramLabel("GLOB").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "exclude", "--exclude").paramLabel("GLOB").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "types", "--type").paramLabel("TYPE").type(java.util.List.class).auxiliaryTypes(String.class).splitRegex(",").build());
        spec.addOption(option(s, "dbs", "--db").paramLabel("N").type(java.util.List.class).auxiliaryTypes(Integer.class).splitRegex(",").build());
        spec.addOption(option(s, "dbMap", "--db-map").paramLabel("FROM:TO").type(java.util.List.class).auxiliaryTypes(String.class).splitRegex(",").build());
        spec.addOption(option(s, "renamePrefix", "--rename-prefix").paramLabel("OLD=NEW").type(String.class).build());
        spec.addOption(option(s, "skipExisting", "--skip-existing").paramLabel("<skipExisting>").type(boolean.class).build());
        spec.addOption(option(s, "replace", "--replace").paramLabel("<replace>").type(boolean.class).build());
        spec.addOption(option(s, "mode", "--mode").paramLabel("METHOD").type(dev.cachectl.migrate.MigrationPlan.Mode.class).defaultValue("auto").build());
        spec.addOption(option(s, "reader", "--reader").paramLabel("READER").type(dev.cachectl.migrate.MigrationPlan.Reader.class).defaultValue("auto").build());
        spec.addOption(option(s, "scanCount", "--scan-count").paramLabel("N").type(int.class).defaultValue("1000").build());
        spec.addOption(option(s, "bigKeyElements", "--big-key-elements").paramLabel("N").type(long.class).defaultValue("10000").build());
        spec.addOption(option(s, "bigKeyBytes", "--big-key-size").paramLabel("SIZE").type(long.class).defaultValue("64mb").converters(new Converters.SizeConverter()).build());
        spec.addOption(option(s, "checkpoint", "--checkpoint").paramLabel("FILE").type(java.nio.file.Path.class).build());
        spec.addOption(option(s, "resume", "--resume").paramLabel("<resume>").type(boolean.class).build());
        spec.addOption(option(s, "verify", "--verify").paramLabel("LEVEL").type(dev.cachectl.migrate.MigrationPlan.Verify.class).defaultValue("none").build());
        spec.addOption(option(s, "ttlTolerance", "--ttl-tolerance").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("1s").build());
        spec.addOption(option(s, "deleteSource", "--delete-source").paramLabel("<deleteSource>").type(boolean.class).build());
        spec.addOption(option(s, "live", "--live").paramLabel("<live>").type(boolean.class).build());
        spec.addOption(option(s, "until", "--until").paramLabel("WHEN").type(String.class).build());
        spec.addOption(option(s, "settle", "--settle").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("1s").build());
        spec.addOption(option(s, "cutover", "--cutover").paramLabel("<cutover>").type(boolean.class).build());
        spec.addOption(option(s, "maxPause", "--max-pause").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addOption(option(s, "timeout", "--timeout").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("30s").build());
        spec.addOption(option(s, "renames", "--rename").paramLabel("FROM=TO").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "query", "--query").paramLabel("JSON").type(String.class).build());
        spec.addOption(option(s, "threads", "--threads").paramLabel("N").type(int.class).defaultValue("4").build());
        ModelParts.Scope m1 = mixin(s, "batch");
        CommandSpec mixin1 = CommandSpec.wrapWithoutInspection(m1.get());
        mixin1.addOption(option(m1, "batch", "--batch").paramLabel("N").type(int.class).defaultValue("500").build());
        mixin1.addOption(option(m1, "rate", "--rate").paramLabel("N").type(long.class).defaultValue("0").build());
        mixin1.addOption(option(m1, "dryRun", "--dry-run").paramLabel("<dryRun>").type(boolean.class).build());
        spec.addMixin("batch", mixin1);
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec rebalance(RebalanceCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("rebalance");
        spec.addPositional(positional(s, "target").index("0").paramLabel("TARGET").type(String.class).required(true).build());
        spec.addOption(option(s, "plan", "--plan").paramLabel("<plan>").type(boolean.class).build());
        spec.addOption(option(s, "apply", "--apply").paramLabel("<apply>").type(boolean.class).build());
        spec.addOption(option(s, "threshold", "--threshold").paramLabel("PERCENT").type(String.class).defaultValue("5%").build());
        spec.addOption(option(s, "weights", "--weight").paramLabel("NODE=W").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "drain", "--drain").paramLabel("NODE").type(java.util.List.class).auxiliaryTypes(String.class).build());
        spec.addOption(option(s, "by", "--by").paramLabel("WHAT").type(dev.cachectl.rebalance.cluster.ClusterRequest.By.class).defaultValue("memory").build());
        spec.addOption(option(s, "samples", "--samples").paramLabel("N").type(int.class).defaultValue("16").build());
        spec.addOption(option(s, "pipeline", "--pipeline").paramLabel("N").type(int.class).defaultValue("100").build());
        spec.addOption(option(s, "timeout", "--timeout").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("5s").build());
        spec.addOption(option(s, "rate", "--rate").paramLabel("SIZE").type(Long.class).converters(new Converters.SizeConverter()).build());
        ModelParts.Scope m1 = mixin(s, "group");
        CommandSpec mixin1 = CommandSpec.wrapWithoutInspection(m1.get());
        mixin1.addOption(option(m1, "show", "--show").paramLabel("<show>").type(boolean.class).build());
        mixin1.addOption(option(m1, "env", "--env").paramLabel("<env>").type(boolean.class).build());
        mixin1.addOption(option(m1, "tolerance", "--tolerance").paramLabel("PERCENT").type(String.class).build());
        spec.addMixin("group", mixin1);
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec bench(BenchCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("bench");
        spec.addPositional(positional(s, "target").index("0+").paramLabel("TARGET").type(String.class).required(true).build());
        spec.addOption(option(s, "ratio", "--ratio").paramLabel("SET:GET").type(String.class).defaultValue("1:10").build());
        spec.addOption(option(s, "keys", "--keys").paramLabel("N").type(int.class).defaultValue("100000").build());
        spec.addOption(option(s, "keyPattern", "--key-pattern").paramLabel("PATTERN").type(dev.cachectl.bench.KeyPattern.class).defaultValue("uniform").build());
        spec.addOption(option(s, "zipfExponent", "--zipf-exponent").paramLabel("S").type(double.class).defaultValue("0.99").build());
        spec.addOption(option(s, "keyPrefix", "--key-prefix").paramLabel("PREFIX").type(String.class).defaultValue("bench:").build());
        spec.addOption(option(s, "dataSize", "--data-size").paramLabel("BYTES").type(int.class).defaultValue("100").build());
        spec.addOption(option(s, "dataSizeRange", "--data-size-range").paramLabel("MIN-MAX").type(String.class).build());
        spec.addOption(option(s, "clients", "--clients").paramLabel("N").type(int.class).defaultValue("50").build());
        spec.addOption(option(s, "threads", "--threads").paramLabel("N").type(int.class).defaultValue("1").build());
        spec.addOption(option(s, "pipeline", "--pipeline").paramLabel("N").type(int.class).defaultValue("1").build());
        spec.addOption(option(s, "requests", "-n", "--requests").paramLabel("N").type(Long.class).build());
        spec.addOption(option(s, "duration", "--duration").paramLabel("DURATION").type(java.time.Duration.class).build());
        spec.addOption(option(s, "warmup", "--warmup").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("0s").build());
        spec.addOption(option(s, "rate", "--rate").paramLabel("OPS").type(Double.class).build());
        spec.addOption(option(s, "seed", "--seed").paramLabel("N").type(long.class).defaultValue("1").build());
        spec.addOption(option(s, "preload", "--preload").paramLabel("<preload>").type(Boolean.class).negatable(true).build());
        spec.addOption(option(s, "cleanup", "--cleanup").paramLabel("<cleanup>").type(boolean.class).build());
        spec.addOption(option(s, "force", "--force").paramLabel("<force>").type(boolean.class).build());
        spec.addOption(option(s, "mode", "--mode").paramLabel("WORKLOAD").type(String.class).defaultValue("load").build());
        spec.addOption(option(s, "starts", "--starts").paramLabel("N").type(int.class).defaultValue("3").build());
        spec.addOption(option(s, "backendLatency", "--backend-latency").paramLabel("DURATION").type(java.time.Duration.class).defaultValue("5ms").build());
        spec.addOption(option(s, "backend", "--backend").paramLabel("URL").type(String.class).build());
        spec.addOption(option(s, "policies", "--policies").paramLabel("POLICY").type(java.util.List.class).auxiliaryTypes(String.class).splitRegex(",").build());
        spec.addOption(option(s, "maxmemory", "--maxmemory").paramLabel("SIZE").type(Long.class).defaultValue("16mb").converters(new Converters.SizeConverter()).build());
        spec.addOption(option(s, "maxmemorySamples", "--maxmemory-samples").paramLabel("N").type(Integer.class).build());
        spec.addOption(option(s, "lfuLogFactor", "--lfu-log-factor").paramLabel("N").type(Integer.class).build());
        spec.addOption(option(s, "lfuDecayTime", "--lfu-decay-time").paramLabel("MINUTES").type(Integer.class).build());
        spec.addOption(option(s, "csv", "--csv").paramLabel("<csv>").type(boolean.class).build());
        spec.addOption(option(s, "hdrOut", "--hdr-out").paramLabel("FILE").type(java.nio.file.Path.class).build());
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }

    private static CommandSpec completion(CompletionCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("completion");
        standardHelpOptions(spec);
        inject(command, "spec", spec);
        inject(command, "top", root);
        return spec;
    }

    private static CommandSpec supervise(SuperviseCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("supervise");
        spec.usageMessage().hidden(true);
        inject(command, "top", root);
        return spec;
    }

    private static CommandSpec shell(ShellCommand command, CachectlCommand root) {
        ModelParts.Scope s = scope(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("shell");
        standardHelpOptions(spec);
        inject(command, "top", root);
        inject(command, "spec", spec);
        return spec;
    }
}
