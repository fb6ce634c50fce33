package dev.cachectl.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry under {@code jobs:} in cachectl.yaml: a warm job that {@code cachectl warm --job NAME}
 * runs. Every setting has the name of the {@code warm} flag it stands for, and a flag given on the
 * command line overrides it. {@code query} and {@code projection} may be written as YAML maps or as
 * JSON text. Values stay text here; warm validates them like its flags.
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
        Long rate) {
}
