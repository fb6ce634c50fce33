package dev.cachectl.bench;

import dev.cachectl.config.Endpoint;

/**
 * An engine's bench part ({@link dev.cachectl.engine.Engine#bench}): judges a plan against what its servers can
 * be asked, and opens the server a run drives. {@link BenchService} does the rest the same way for every engine.
 */
public interface Bench {

    /**
     * Refuses, before anything connects, an option of {@code plan} that has no meaning for this engine: a usage error
     * (exit 2) naming the option ("--pipeline does not apply to a mongo instance: …"), never an option ignored.
     */
    void check(BenchPlan plan);

    /**
     * Refuses {@code mode} ({@code eviction}, {@code cold-start}: they start servers of their own) when it has no meaning
     * for an instance of this engine given as TARGET.
     */
    default void checkMode(String mode) {
    }

    /**
     * The server at {@code endpoint}, named {@code label} in the report, checked: it answers (else exit 3) and accepts
     * the credentials (else exit 2), before any work.
     */
    BenchTarget open(String label, Endpoint endpoint, BenchPlan plan);
}
