package dev.cachectl.status.advice;

import dev.cachectl.redis.RedisDetails;
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
        String policy = RedisDetails.of(s.details()).maxmemoryPolicy();
        if (policy == null || !policy.startsWith("volatile-") || s.keys() == null
                || s.details().expiringKeys() == null || s.keys() <= s.details().expiringKeys()) {
            return Optional.empty();
        }
        long without = s.keys() - s.details().expiringKeys();
        return Optional.of(finding(subject,
                without + " of " + s.keys() + " keys have no TTL under maxmemory-policy " + policy,
                "they are never evicted: give them a TTL (a category TTL in cachectl.yaml for warm), "
                        + "or use an allkeys-* policy"));
    }
}
