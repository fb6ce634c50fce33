package dev.cachectl.migrate;

import java.nio.file.Path;

/** An engine's copy part: turns its plan into a {@link Migration} that {@link CopyRun} runs. */
public interface Copy {

    /**
     * Checks both ends (they answer and accept the credentials) and sets the copy up. {@code home}: the
     * cachectl home, whose {@code migrate} folder holds default checkpoints and lists.
     */
    Migration open(CopyPlan plan, Path home);
}
