package dev.cachectl.engine;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.mongo.MongoEngine;
import dev.cachectl.redis.RedisEngine;

import java.util.List;
import java.util.Locale;

/**
 * The engines cachectl knows, by name, and by the scheme of a URL ({@link #of}): commands and the core
 * ask here rather than name an engine. The first one is the default engine of a new instance.
 */
public final class Engines {
    private static final List<Engine> ALL = List.of(new RedisEngine(), new MongoEngine());

    private Engines() {
    }

    public static Engine named(String name) {
        String wanted = name == null ? defaultEngine().name() : name;
        return ALL.stream().filter(e -> e.name().equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> CachectlException.usage("unknown engine '" + name + "' (known: "
                        + String.join(", ", ALL.stream().map(Engine::name).toList()) + ")"));
    }

    /** The engine of a new instance that names none. */
    public static Engine defaultEngine() {
        return ALL.get(0);
    }

    public static List<Engine> all() {
        return ALL;
    }

    /** The engine whose scheme the URL is written in; an unknown scheme is a usage error listing the known ones. */
    public static Engine of(String url) {
        String text = url.trim();
        int end = text.indexOf("://");
        String scheme = end < 0 ? "" : text.substring(0, end).toLowerCase(Locale.ROOT);
        return ALL.stream().filter(e -> e.schemes().contains(scheme)).findFirst()
                .orElseThrow(() -> CachectlException.usage("unsupported URL scheme '" + scheme + "' in " + Endpoint.redact(text)
                        + " (expected " + String.join(", ", ALL.stream().flatMap(e -> e.schemes().stream())
                        .sorted().map(s -> s + "://").toList()) + ")"));
    }

    /** The engine an endpoint belongs to, by its scheme. */
    public static Engine of(Endpoint endpoint) {
        return of(endpoint.scheme() + "://");
    }

    /** A URL parsed by the engine of its scheme. */
    public static Endpoint parse(String url) {
        return of(url).parse(url);
    }
}
