package dev.cachectl.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry under {@code jobs:} in cachectl.yaml: a warm job that {@code cachectl warm --job NAME}
 * runs. Every setting has the name of the {@code warm} flag it stands for, and a flag given on the
 * command line overrides it. {@code query} and {@code projection} may be written as YAML maps or as
 * JSON text. Values stay text here; warm validates them like its flags. {@code schedule} (5-field cron
 * syntax or {@code @daily}…) and {@code timeout} are read by {@code cachectl cron} only.
 */
public record WarmJobDefinition(
        String source,
        String to,
        String format,
        String key,
        String as,
        String value,
        String ttl,
        @JsonProperty("ttl-field") String ttlField,
        @JsonProperty("ttl-jitter") String ttlJitter,
        String category,
        JsonNode query,
        JsonNode projection,
        Boolean nx,
        Integer top,
        String lock,
        @JsonProperty("if-hit-ratio-below") String ifHitRatioBelow,
        @JsonProperty("if-keys-below") Long ifKeysBelow,
        @JsonProperty("max-errors") Long maxErrors,
        Integer batch,
        Integer threads,
        Long rate,
        String schedule,
        String timeout) {

    /** No setting given: what {@code warm --job NAME} typed beside the name when it typed nothing else. */
    public static final WarmJobDefinition NONE = new WarmJobDefinition(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null);

    /** A job as {@code warm} sees it: when and for how long it may run are for {@code cachectl cron}. */
    public WarmJobDefinition(String source, String to, String format, String key, String as, String value, String ttl,
                             String ttlField, String ttlJitter, String category, JsonNode query, JsonNode projection,
                             Boolean nx, Integer top, String lock, String ifHitRatioBelow, Long ifKeysBelow,
                             Long maxErrors, Integer batch, Integer threads, Long rate) {
        this(source, to, format, key, as, value, ttl, ttlField, ttlJitter, category, query, projection, nx, top, lock,
                ifHitRatioBelow, ifKeysBelow, maxErrors, batch, threads, rate, null, null);
    }
}
