package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;

import java.util.Optional;

/** Under a {@code volatile-*} policy only keys with a TTL can be evicted: the others stay until deleted. */
final class VolatileWithoutTtlRule implements Rule {

    @Override
    public String name() {
        return "keys_without_ttl";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        if (s.maxmemoryPolicy() == null || !s.maxmemoryPolicy().startsWith("volatile-") || s.keys() == null
                || s.expiringKeys() == null || s.keys() <= s.expiringKeys()) {
            return Optional.empty();
        }
        long without = s.keys() - s.expiringKeys();
        return Optional.of(finding(subject,
                without + " of " + s.keys() + " keys have no TTL under maxmemory-policy " + s.maxmemoryPolicy(),
                "they are never evicted: give them a TTL (a category TTL in cachectl.yaml for warm), "
                        + "or use an allkeys-* policy"));
    }
}
