package dev.cachectl.migrate;

/** What a migrate reports, whatever the engine: rendered as text by the command or as one JSON document. */
public interface Summary {

    /** Why the run stopped before the end (an operator sentence), or null when it did not. */
    String stoppedBecause();
}
