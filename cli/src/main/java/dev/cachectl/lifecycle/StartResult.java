package dev.cachectl.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cachectl.config.Endpoint;

import java.util.List;

/** What {@code start} did for one instance. {@code url} is redacted; the endpoint itself is kept for callers like {@code run}. */
public record StartResult(
        String name,
        Outcome outcome,
        String engine,
        String url,
        Long pid,
        Integer port,
        String binary,
        String binarySource,
        String version,
        List<String> notes,
        @JsonIgnore Endpoint endpoint) {

    public enum Outcome { STARTED, ALREADY_RUNNING, EXTERNAL }

    static StartResult of(String name, Outcome outcome, String engine, Endpoint endpoint, Long pid, Integer port,
                          String binary, String source, String version, List<String> notes) {
        return new StartResult(name, outcome, engine, endpoint.toString(), pid, port, binary, source, version,
                List.copyOf(notes), endpoint);
    }
}
