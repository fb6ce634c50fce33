package dev.cachectl.status.analyze;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceState;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.StateStore;
import dev.cachectl.redis.OwnReads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Analyses each instance asked about that runs Redis and answers. One that is down is left to status
 * to report; one that cannot be analysed is named to {@code problems} (instance, sentence) and skipped.
 */
public final class Analyses {
    private Analyses() {
    }

    public static Map<String, Analysis> of(List<InstanceRef> refs, StateStore states, AnalysisSettings settings,
                                           BiConsumer<String, String> problems) {
        Analyzer analyzer = new Analyzer(settings, new OwnReads(states.home().root()));
        LastAnalyses kept = new LastAnalyses(states.home().root());
        Map<String, Analysis> analyses = new LinkedHashMap<>();
        for (InstanceRef ref : refs) {
            Optional<Endpoint> endpoint = endpoint(ref, states);
            String engine = engine(ref, states);
            if (endpoint.isEmpty()) {
                continue;
            }
            if (!"redis".equals(engine)) {
                problems.accept(ref.name(), "--analyze reads Redis keyspaces; " + ref.name() + " is " + engine);
                continue;
            }
            try {
                Analysis analysis = analyzer.analyze(endpoint.get());
                analyses.put(ref.name(), analysis);
                keep(kept, ref.name(), analysis, problems);
            } catch (CachectlException e) {
                if (e.exitCode() == dev.cachectl.ExitCode.INTERRUPTED) {
                    throw e;
                }
                problems.accept(ref.name(), "could not analyse " + ref.name() + ": " + e.getMessage());
            }
        }
        return analyses;
    }

    /**
     * The analysis kept for the exports: one that cannot be written is named to {@code problems} and the analysis
     * shown all the same, as what it keeps only feeds {@code cachectl_namespace_memory_bytes}.
     */
    private static void keep(LastAnalyses kept, String name, Analysis analysis, BiConsumer<String, String> problems) {
        try {
            kept.keep(name, analysis);
        } catch (CachectlException e) {
            problems.accept(name, "the analysis of " + name + " is shown but not kept for status --prometheus: " + e.getMessage());
        }
    }

    /** An external instance's engine, a managed one's as its state says while it runs (start --engine), else the config's. */
    private static String engine(InstanceRef ref, StateStore states) {
        if (ref instanceof InstanceRef.External ext) {
            return ext.engine();
        }
        String configured = ((InstanceRef.Managed) ref).spec().engine();
        try {
            return states.read(ref.name()).map(InstanceState::engine).orElse(configured);
        } catch (CachectlException unreadable) {
            return configured;
        }
    }

    private static Optional<Endpoint> endpoint(InstanceRef ref, StateStore states) {
        if (ref instanceof InstanceRef.External ext) {
            return Optional.of(ext.endpoint());
        }
        try {
            return states.read(ref.name()).map(Lifecycle::endpointOf);
        } catch (CachectlException unreadable) {
            return Optional.empty(); // status says what is wrong with its state
        }
    }
}
