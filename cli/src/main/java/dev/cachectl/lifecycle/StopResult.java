package dev.cachectl.lifecycle;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/** What {@code stop} did for one instance; {@code nodePids} lists every node of a cluster (null for a standalone server). */
public record StopResult(String name, Outcome outcome, Long pid, String dataDir, List<String> notes, List<Long> nodePids) {

    public enum Outcome {
        /** The server was running and has exited. */
        STOPPED,
        /** Nothing was running; nothing to do. */
        NOT_RUNNING,
        /** The recorded server was already gone; its state was removed. */
        CLEANED_UP;

        /** In JSON as every command's outcomes are: lower case ({@code docs/schema/}). */
        @JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
