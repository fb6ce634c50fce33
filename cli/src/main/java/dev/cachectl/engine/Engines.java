package dev.cachectl.engine;

import dev.cachectl.CachectlException;
import dev.cachectl.redis.RedisEngine;

import java.util.List;

/** The engines cachectl knows, by name. */
public final class Engines {
    private static final List<Engine> ALL = List.of(new RedisEngine());

    private Engines() {
    }

    public static Engine named(String name) {
        String wanted = name == null ? "redis" : name;
        return ALL.stream().filter(e -> e.name().equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> CachectlException.usage("unknown engine '" + name + "' (known: "
                        + String.join(", ", ALL.stream().map(Engine::name).toList()) + ")"));
    }
}
