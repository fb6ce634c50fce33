package dev.cachectl.engine;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine seam: a URL's scheme picks its engine, which parses it and names what `run` exports. */
class EnginesTest {

    @Test
    void the_scheme_picks_the_engine_and_its_parse() {
        assertEquals("redis", Engines.of("rediss://h:6380").name());
        assertEquals("redis", Engines.of("redis+cluster://a:1,b:2").name());
        Endpoint mongo = Engines.parse("mongodb://h/shop.users");
        assertEquals("mongo", Engines.of(mongo).name());
        assertEquals(27017, mongo.port());
        assertEquals(6379, Engines.parse("redis://h").port());
        assertEquals("redis", Engines.defaultEngine().name());
    }

    @Test
    void an_unknown_scheme_is_a_usage_error_listing_the_known_ones() {
        CachectlException e = assertThrows(CachectlException.class, () -> Engines.of("memcached://u:pw@h:11211"));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().contains("'memcached'") && e.getMessage().contains("mongodb://")
                && e.getMessage().contains("redis://") && !e.getMessage().contains("pw@"), e.getMessage());
    }

    @Test
    void each_engine_names_its_variables() {
        Engine redis = Engines.named("redis");
        Engine mongo = Engines.named("mongo");
        assertEquals("REDIS_SESSION_STORE_URL", redis.urlVariable("session-store"));
        assertEquals("MONGODB_DOCS_URL", mongo.urlVariable("docs"));
        Endpoint local = mongo.localEndpoint(4000, null);
        assertEquals(Map.of("MONGODB_URL", "mongodb://127.0.0.1:4000/", "MONGODB_DOCS_URL", "mongodb://127.0.0.1:4000/"),
                mongo.runVariables("docs", local, true));
        assertEquals(Map.of("MONGODB_DOCS_URL", "mongodb://127.0.0.1:4000/"), mongo.runVariables("docs", local, false));
    }
}
