package dev.cachectl.engine;

/** A server's answer to "who are you": its pid, a run id that changes at every restart, and its version. */
public record ServerHello(long pid, String runId, String version) {
}
