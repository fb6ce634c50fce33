package dev.cachectl.config;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {

    @Test
    void parses_user_password_host_port_and_db() {
        Endpoint e = Endpoint.parse("redis://app:p%40ss@cache.internal:6380/3");
        assertEquals("app", e.user());
        assertEquals("p@ss", e.password());
        assertEquals("cache.internal", e.host());
        assertEquals(6380, e.port());
        assertEquals(3, e.db());
        assertFalse(e.tls());
    }

    @Test
    void defaults_port_and_reads_password_only_forms() {
        Endpoint e = Endpoint.parse("rediss://:secret@host");
        assertEquals(6379, e.port());
        assertNull(e.user());
        assertEquals("secret", e.password());
        assertTrue(e.tls());
        assertEquals("secret", Endpoint.parse("redis://secret@host").password());
    }

    @Test
    void printing_an_endpoint_never_shows_its_password() {
        Endpoint e = Endpoint.parse("redis://app:hunter2@h:1/2");
        assertEquals("redis://app:***@h:1/2", e.toString());
        assertEquals("redis://app:hunter2@h:1/2", e.secretUrl());
        assertEquals("redis://:***@127.0.0.1:7000", Endpoint.local(7000, "x y").toString());
        assertEquals("x y", Endpoint.parse(Endpoint.local(7000, "x y").secretUrl()).password());
    }

    @Test
    void bad_urls_are_usage_errors_without_leaking_the_password() {
        CachectlException scheme = assertThrows(CachectlException.class, () -> Endpoint.parse("http://u:topsecret@h:1"));
        assertEquals(ExitCode.USAGE, scheme.exitCode());
        assertFalse(scheme.getMessage().contains("topsecret"), scheme.getMessage());
        CachectlException db = assertThrows(CachectlException.class, () -> Endpoint.parse("redis://:topsecret@h:1/abc"));
        assertFalse(db.getMessage().contains("topsecret"), db.getMessage());
        assertThrows(CachectlException.class, () -> Endpoint.parse("redis://"));
    }

    @Test
    void redact_hides_passwords_in_text_that_does_not_parse() {
        assertEquals("redis://u:***@h:1/x y", Endpoint.redact("redis://u:pw@h:1/x y"));
        assertEquals("redis://***@h", Endpoint.redact("redis://pw@h"));
        // a password holding what ends a URL's parts: nothing of it shows
        assertEquals("redis://:***@127.0.0.1:6379", Endpoint.redact("redis://:Secr@tPass@127.0.0.1:6379"));
        assertEquals("redis://user:***@127.0.0.1:6379", Endpoint.redact("redis://user:Secr@tPass@127.0.0.1:6379"));
        assertEquals("redis://:***@127.0.0.1:6379", Endpoint.redact("redis://:p@ss:w/rd%#x@127.0.0.1:6379"));
        assertEquals("redis://:***@127.0.0.1:6379", Endpoint.redact("redis://:Sec/retPass@127.0.0.1:6379"));
        // a mistyped scheme: still credentials up to the '@'
        assertEquals("redis:***@127.0.0.1:1", Endpoint.redact("redis:/:SecretPass@127.0.0.1:1"));
        assertEquals("***@127.0.0.1:1", Endpoint.redact("redis//:SecretPass@127.0.0.1:1"));
        assertEquals("redis://127.0.0.1:6379/0", Endpoint.redact("redis://127.0.0.1:6379/0"));
    }

    @Test
    void cluster_urls_carry_every_seed_and_stay_redacted() {
        Endpoint e = Endpoint.parse("redis+cluster://:pw@127.0.0.1:7000,127.0.0.1:7001, localhost:7002");
        assertTrue(e.cluster());
        assertEquals(List.of("127.0.0.1:7000", "127.0.0.1:7001", "localhost:7002"), e.seeds());
        assertEquals("pw", e.password());
        assertEquals("redis+cluster://:***@127.0.0.1:7000,127.0.0.1:7001,localhost:7002", e.toString());
        assertEquals(e, Endpoint.parse(e.secretUrl()));
        assertTrue(Endpoint.parse("rediss+cluster://h:1").tls());
        assertThrows(CachectlException.class, () -> Endpoint.parse("redis+cluster://h:1/2"));
        assertFalse(Endpoint.parse("redis://h:1").cluster());
    }
}
