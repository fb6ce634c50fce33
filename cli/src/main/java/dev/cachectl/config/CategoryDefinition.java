package dev.cachectl.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry under {@code categories:} in cachectl.yaml: keys that start with {@code prefix} live on
 * {@code instance} and expire after {@code ttl} (spread by {@code ttl-jitter}, a percentage such as
 * {@code 10%} or a duration). Values stay text here; the commands that use a category parse them with
 * the same parsers as their flags.
 * {@code pin: true} keeps the category where it is when its group is rebalanced.
 */
public record CategoryDefinition(
        String prefix,
        String instance,
        String ttl,
        @JsonProperty("ttl-jitter") String ttlJitter,
        Boolean pin) {

    /** A pinned category stays on its instance: {@code rebalance GROUP} never moves it. */
    public boolean pinned() {
        return Boolean.TRUE.equals(pin);
    }
}
