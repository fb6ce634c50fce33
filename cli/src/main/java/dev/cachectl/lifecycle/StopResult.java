package dev.cachectl.lifecycle;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/** What {@code stop} did for one instance; {@code nodePids} lists every node of a cluster (null for a standalone server). */
public record StopResult(String name, Outcome outcome, Long pid, String dataDir, List<String> notes, List<Long> nodePids) {

    /** A name stop could not handle (unknown, external, a server that would not die), its one-line cause as its note. */
    public static StopResult failed(String name, Exception cause) {
        return new StopResult(name, Outcome.FAILED, null, null, List.of(cause.getMessage()), null);
    }

    public enum Outcome {
        /** The server was running and has exited. */
        STOPPED,
        /** Nothing was running; nothing to do. */
        NOT_RUNNING,
        /** The recorded server was already gone; its state was removed. */
        CLEANED_UP,
        /** Not stopped: the name is unknown or external, or its server would not exit (its note says which). */
        FAILED;

        /** In JSON as every command's outcomes are: lower case ({@code docs/schema/}). */
        @JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
