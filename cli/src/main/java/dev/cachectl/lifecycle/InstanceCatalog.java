package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Config;
import dev.cachectl.config.Endpoint;
import dev.cachectl.config.InstanceDefinition;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Names;
import dev.cachectl.util.Sizes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns what the user typed (a name or a URL) into an {@link InstanceRef}. Order of precedence:
 * a URL on the command line; {@code <PREFIX><NAME>_URL} of each engine ({@code REDIS_<NAME>_URL},
 * {@code MONGODB_<NAME>_URL}; and the default engine's {@code REDIS_URL} for "default");
 * the config file; otherwise a managed instance with default settings. The engine of a URL is its scheme's.
 */
public final class InstanceCatalog {
    public static final String DEFAULT_NAME = "default";

    private final Config config;
    private final Map<String, String> env;
    private final StateStore states;

    public InstanceCatalog(Config config, Map<String, String> env, StateStore states) {
        this.config = config;
        this.env = env;
        this.states = states;
    }

    public InstanceRef resolve(String nameOrUrl) {
        if (nameOrUrl.contains("://")) {
            Engine engine = Engines.of(nameOrUrl);
            Endpoint endpoint = engine.parse(nameOrUrl);
            return new InstanceRef.External(endpoint.host() + ":" + endpoint.port(), engine.name(), endpoint, "command line");
        }
        String name = checkName(nameOrUrl);
        for (Engine engine : Engines.all()) {
            String envVar = engine.urlVariable(name);
            String url = env.get(envVar);
            if (url == null && name.equals(DEFAULT_NAME) && engine == Engines.defaultEngine()) {
                envVar = engine.envPrefix() + "URL";
                url = env.get(envVar);
            }
            if (url != null && !url.isBlank()) {
                InstanceRef.External ext = external(name, null, url, envVar);
                // the variable wins, as for a url: in the file; settings there for starting a server are then unused
                InstanceDefinition def = config.instances().get(name);
                java.util.List<String> unused = def == null || def.url() != null ? java.util.List.of() : def.serverSettings();
                return unused.isEmpty() ? ext : new InstanceRef.External(ext.name(), ext.engine(), ext.endpoint(), ext.origin(),
                        envVar + " names a server cachectl does not start, so the " + String.join(", ", unused) + " that "
                                + config.source() + " gives '" + name + "' " + (unused.size() == 1 ? "is" : "are") + " ignored");
            }
        }
        InstanceDefinition def = config.instances().get(name);
        if (def == null) {
            return new InstanceRef.Managed(InstanceSpec.defaults(name), "defaults");
        }
        String origin = String.valueOf(config.source());
        if (def.url() != null) {
            return external(name, def.engine(), def.url(), origin);
        }
        return new InstanceRef.Managed(spec(name, def, origin), origin);
    }

    /**
     * For the commands that act on what the home holds ({@code stop}, {@code status}): the instance as {@link #resolve}
     * gives it, or, when its definition in the config is wrong but the home holds its state (a server started before
     * the file was edited), the managed instance its state file describes, the definition's error told to
     * {@code problem}: a typo in cachectl.yaml must not keep a running server from being seen or stopped.
     */
    public InstanceRef resolveStarted(String name, java.util.function.Consumer<String> problem) {
        try {
            return resolve(name);
        } catch (CachectlException e) {
            if (e.exitCode() != dev.cachectl.ExitCode.USAGE || !states.read(name).isPresent()) {
                throw e;
            }
            problem.accept(e.getMessage() + " (going by the state of the running '" + name + "')");
            return new InstanceRef.Managed(InstanceSpec.defaults(name), "state");
        }
    }

    /** An external instance: its engine is its URL's, which an {@code engine:} beside the URL must agree with. */
    private static InstanceRef.External external(String name, String declaredEngine, String url, String origin) {
        Engine engine;
        Endpoint endpoint;
        try {
            engine = Engines.of(url);
            endpoint = engine.parse(url);
        } catch (CachectlException e) {
            // a URL from the environment or the config file: say which variable or file gave it
            throw new CachectlException(e.exitCode(), origin + ": instance '" + name + "': " + e.getMessage(), e);
        }
        if (declaredEngine != null && !Engines.named(declaredEngine.toLowerCase(Locale.ROOT)).equals(engine)) {
            throw CachectlException.usage(origin + ": instance '" + name + "' has engine " + declaredEngine
                    + " but its URL " + Endpoint.redact(url) + " is a " + engine.name() + " URL");
        }
        return new InstanceRef.External(name, engine.name(), endpoint, origin);
    }

    /**
     * The endpoint to talk to for a name or URL: an external instance's URL, or a running managed
     * instance's local address. A managed instance that is not running is exit 3, with the fix.
     */
    public Endpoint reachableEndpoint(String nameOrUrl) {
        InstanceRef ref = resolve(nameOrUrl);
        if (ref instanceof InstanceRef.External ext) {
            return ext.endpoint();
        }
        if (ExternalOnly.enabled(env)) {
            throw ExternalOnly.refusal(ref.name(), env);
        }
        java.util.Optional<InstanceState> state = states.read(ref.name());
        String why = state.map(s -> " (its server, pid " + s.pid() + ", is gone)").orElse("");
        return state.filter(s -> ProcessIdentity.of(s.pid()).map(id -> id.matches(s)).orElse(false))
                .map(Lifecycle::endpointOf)
                .orElseThrow(() -> new CachectlException(dev.cachectl.ExitCode.DOWN, "'" + ref.name()
                        + "' is not running" + why + ": start it with 'cachectl start " + ref.name()
                        + "', or give its URL"));
    }

    /**
     * The endpoint of a name or URL as {@link #reachableEndpoint} gives it, without checking that its server runs: a
     * managed instance's from its state file even when its server is gone, so that what names a job (its lock and
     * checkpoint) is known before anything is contacted. A managed instance without a state file is the same exit 3.
     */
    public Endpoint endpoint(String nameOrUrl) {
        InstanceRef ref = resolve(nameOrUrl);
        if (ref instanceof InstanceRef.Managed && !ExternalOnly.enabled(env)) {
            java.util.Optional<InstanceState> state = states.read(ref.name());
            if (state.isPresent()) {
                return Lifecycle.endpointOf(state.get());
            }
        }
        return reachableEndpoint(nameOrUrl);
    }

    /**
     * The engine of a name or URL, without talking to it: a URL's scheme, an external instance's URL, a managed
     * instance's state file while it has one (as {@code start --engine} left it), else its configured engine.
     */
    public Engine engineOf(String nameOrUrl) {
        InstanceRef ref = resolve(nameOrUrl);
        if (ref instanceof InstanceRef.External ext) {
            return Engines.named(ext.engine());
        }
        InstanceRef.Managed managed = (InstanceRef.Managed) ref;
        return Engines.named(states.read(ref.name()).map(InstanceState::engine).orElse(managed.spec().engine()));
    }

    /** True when the config file names the instance. */
    public boolean isConfigured(String name) {
        return config.instances().containsKey(name);
    }

    /**
     * Every instance this home and config know of: configured ones, external ones from the environment, and running
     * ones, those whose folder a server runs from without a state file (a start killed before it wrote one) included.
     */
    public java.util.List<String> knownNames() {
        TreeSet<String> names = new TreeSet<>(config.instances().keySet());
        names.addAll(states.namesRunning());
        for (String key : env.keySet()) {
            for (Engine engine : Engines.all()) {
                String prefix = engine.envPrefix();
                if (key.equals(prefix + "URL") && engine == Engines.defaultEngine()) {
                    names.add(DEFAULT_NAME);
                } else if (key.startsWith(prefix) && key.endsWith("_URL") && key.length() > prefix.length() + "_URL".length()) {
                    names.add(key.substring(prefix.length(), key.length() - 4).toLowerCase(Locale.ROOT).replace('_', '-'));
                }
            }
        }
        return new ArrayList<>(names);
    }

    /** The default engine's variable for instance {@code name} ({@code REDIS_<NAME>_URL}). */
    public static String envVarFor(String name) {
        return Engines.defaultEngine().urlVariable(name);
    }

    public static String checkName(String name) {
        if (!Names.valid(name, 63, false, "_-")) {
            throw CachectlException.usage("invalid instance name '" + Endpoint.redact(name)
                    + "': use lowercase letters, digits, '-' and '_' (at most 63), or a redis:// URL");
        }
        return name;
    }

    /** The instance's settings as the config file gives them, each parsed as its flag would be. */
    private static InstanceSpec spec(String name, InstanceDefinition def, String origin) {
        try {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put(InstanceSpec.ENGINE, def.engine() == null ? null : def.engine().toLowerCase(Locale.ROOT));
            s.put(InstanceSpec.PORT, def.port() == null ? null : parsePortOrAuto(def.port()));
            s.put(ServerSettings.MAXMEMORY, def.maxmemory() == null ? null : Sizes.parse(def.maxmemory()));
            s.put(ServerSettings.POLICY, def.policy() == null ? null : def.policy().toLowerCase(Locale.ROOT));
            s.put(ServerSettings.PERSIST, def.persist());
            s.put(ServerSettings.PASSWORD, def.password());
            s.put(InstanceSpec.IDLE_TIMEOUT, def.idleTimeout() == null ? null : Durations.parse(def.idleTimeout()));
            s.put(InstanceSpec.BINARY, def.binary() == null ? null : Path.of(def.binary()));
            s.put(ServerSettings.CLUSTER, def.cluster() == null ? null : ClusterShape.parse(def.cluster()));
            s.put(ServerSettings.TLS, def.tls());
            return new InstanceSpec(name, s);
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(origin + ": instance '" + name + "': " + e.getMessage());
        }
    }

    /** A port, or {@code auto} ({@link InstanceSpec#AUTO_PORT}): pick a free one. */
    public static int parsePortOrAuto(String text) {
        return text.trim().equalsIgnoreCase("auto") ? InstanceSpec.AUTO_PORT : parsePort(text);
    }

    public static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port (a number, or auto)");
        }
    }
}
