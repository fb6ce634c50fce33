package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A start of an instance that already runs: the instance it hands out must be the one asked for. Asked for is
 * every setting of the start's spec: typed on the command line, or given by the instance's definition in the config
 * (a start after cachectl.yaml was edited asks for what the file now says, and a script that names an instance
 * there gets that instance or an error, never another one). A setting that only a new server could give (engine,
 * port, cluster shape, persistence, TLS, password, maxmemory, policy) refuses the start, exit 2, naming what runs,
 * what was asked and the way out; the idle timeout, which the supervisor reads from the state file at each look,
 * is applied to the running instance.
 */
final class RunningInstance {
    /** The option that asks for each setting, for the way out. */
    private static final Map<String, String> FLAGS = Map.of(InstanceSpec.ENGINE, "--engine", InstanceSpec.PORT, "--port",
            ServerSettings.CLUSTER, "--cluster", ServerSettings.PERSIST, "--persist", ServerSettings.TLS, "--tls",
            ServerSettings.PASSWORD, "--password/--generate-password", ServerSettings.MAXMEMORY, "--maxmemory", ServerSettings.POLICY, "--policy");

    private RunningInstance() {
    }

    /**
     * The state of the running instance as {@code asked} wants it: exit 2 when a setting differs that the running
     * server cannot take; a changed idle timeout is written to the state file (and said in {@code notes}).
     * {@code spec}: the start's spec, bound to the settings a --persist instance recorded; {@code recorded}: its
     * settings file, which knows the maxmemory and policy it was started with (empty: an older cachectl's, unknown).
     */
    static InstanceState check(InstanceSpec spec, InstanceRef.Managed asked, InstanceState state,
                               Optional<InstanceSettings> recorded, StateStore states, List<String> notes) {
        Map<String, Difference> differences = differences(spec, state, recorded);
        if (!differences.isEmpty()) {
            throw refusal(spec.name(), asked, differences);
        }
        if (spec.settings().containsKey(InstanceSpec.IDLE_TIMEOUT)) {
            Duration wanted = spec.idleTimeout();
            Long wantedMillis = wanted == null ? null : wanted.toMillis();
            if (!Objects.equals(wantedMillis, state.idleTimeoutMillis())) {
                notes.add("idle timeout " + idle(state.idleTimeoutMillis()) + " -> " + idle(wantedMillis)
                        + ", applied to the running instance");
                state = state.withIdleTimeout(wantedMillis);
                states.write(state);
            }
        }
        return state;
    }

    /** What runs, and what was asked for instead (never a password). */
    private record Difference(String runs, String asked) {
    }

    /** Each setting asked for that the running instance does not have, by its name. */
    private static Map<String, Difference> differences(InstanceSpec spec, InstanceState state, Optional<InstanceSettings> recorded) {
        Map<String, Difference> d = new LinkedHashMap<>();
        if (spec.settings().get(InstanceSpec.ENGINE) != null && !spec.engine().equals(state.engine())) {
            // another engine: nothing else it was asked for can be compared
            d.put(InstanceSpec.ENGINE, new Difference("engine " + state.engine(), spec.engine()));
            return d;
        }
        if (spec.port() != null && spec.port() != state.port()) {
            d.put(InstanceSpec.PORT, new Difference("port " + state.port(), String.valueOf(spec.port())));
        }
        if (spec.cluster() != null && !spec.cluster().toString().equals(state.cluster())) {
            d.put(ServerSettings.CLUSTER, new Difference(state.isCluster() ? "cluster " + state.cluster() : "no cluster",
                    "cluster " + spec.cluster()));
        }
        if (spec.persist() && !state.persist()) {
            d.put(ServerSettings.PERSIST, new Difference("no persistence", "persist"));
        }
        if (spec.tls() && state.tlsCa() == null) {
            d.put(ServerSettings.TLS, new Difference("no TLS", "tls"));
        }
        if (spec.password() != null && !spec.password().equals(state.password())) {
            // never the password itself
            d.put(ServerSettings.PASSWORD, new Difference(state.password() == null ? "no password" : "another password",
                    state.password() == null ? "a password" : "a different one"));
        }
        if (recorded.isPresent()) {
            Long memory = spec.server().maxmemory();
            if (memory != null && !memory.equals(recorded.get().maxmemory())) {
                d.put(ServerSettings.MAXMEMORY, new Difference("maxmemory " + (recorded.get().maxmemory() == null ? "none"
                        : Sizes.human(recorded.get().maxmemory())), Sizes.human(memory)));
            }
            String policy = spec.server().get(ServerSettings.POLICY, String.class);
            if (policy != null && !policy.equals(recorded.get().policy())) {
                d.put(ServerSettings.POLICY, new Difference("policy " + Objects.requireNonNullElse(recorded.get().policy(),
                        "default"), policy));
            }
        }
        return d;
    }

    /**
     * One line: the instance, what runs against what was asked (and where, when not on the command line), and the
     * way out: stop it first, or, when every difference was typed, start it without those options.
     */
    private static CachectlException refusal(String name, InstanceRef.Managed asked, Map<String, Difference> differences) {
        List<String> found = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        boolean allTyped = true;
        for (Map.Entry<String, Difference> e : differences.entrySet()) {
            boolean typed = asked.typed().contains(e.getKey());
            allTyped &= typed;
            flags.add(FLAGS.get(e.getKey()));
            found.add(e.getValue().runs() + " (asked" + (typed ? "" : " by " + asked.origin()) + ": " + e.getValue().asked() + ")");
        }
        return CachectlException.usage("'" + name + "' is already running with " + String.join(", ", found)
                + ": stop it first ('cachectl stop " + name + "')"
                + (allTyped ? ", or start it without " + String.join(" ", flags) : " to start it as asked"));
    }

    private static String idle(Long millis) {
        return millis == null ? "none" : Durations.format(Duration.ofMillis(millis));
    }
}
