package dev.cachectl.migrate;

/** What an engine's verifier found after a complete copy: any mismatch makes the run partial (exit 4). */
public interface Verified {
    long mismatches();
}
