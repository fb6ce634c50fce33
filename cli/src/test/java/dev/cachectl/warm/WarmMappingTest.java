package dev.cachectl.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmMappingTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void ttl_with_jitter_stays_within_the_spread_and_spreads() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            input.append("{\"id\":").append(i).append(",\"v\":\"x\"}\n");
        }
        write("items.jsonl", input.toString());

        home.run("warm", "items.jsonl", "--to", "t", "--key", "i:{id}", "--value", "v", "--ttl", "100s", "--ttl-jitter", "10%").assertOk();

        Set<Long> seen = new HashSet<>();
        try (Jedis redis = redis()) {
            for (int i = 0; i < 300; i++) {
                long pttl = redis.pttl("i:" + i);
                assertTrue(pttl > 80_000 && pttl <= 110_000, "PTTL of i:" + i + " is " + pttl + ", outside 100 s ± 10%");
                seen.add(pttl / 1000);
            }
        }
        assertTrue(seen.size() > 5, "300 keys expire within only " + seen.size() + " distinct seconds: no spread");
    }

    @Test
    void a_repeated_name_has_its_last_value_in_a_hash_as_for_value_and_the_key() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder wide = new StringBuilder("{\"id\":3");
        for (int i = 0; i < 20; i++) {
            wide.append(",\"f").append(i).append("\":\"x\"");
        }
        wide.append(",\"f7\":null,\"f9\":\"last\"}\n");
        write("twice.jsonl", "{\"id\":1,\"a\":\"first\",\"a\":null,\"b\":\"one\",\"b\":\"two\"}\n"
                + "{\"id\":0,\"id\":2,\"a\":\"kept\"}\n" + wide);

        home.run("warm", "twice.jsonl", "--to", "t", "--key", "h:{id}", "--as", "hash").assertOk();
        CliResult value = home.run("warm", "twice.jsonl", "--to", "t", "--key", "s:{id}", "--value", "a", "--json").assertExit(4);

        try (Jedis redis = redis()) {
            // a null last value leaves the field out, as a JSON parser reads {"a":"first","a":null}
            assertEquals(Map.of("id", "1", "b", "two"), redis.hgetAll("h:1"));
            assertEquals(Map.of("id", "2", "a", "kept"), redis.hgetAll("h:2"));
            assertEquals(0, redis.exists("h:0") ? 1 : 0, "the key takes the last id");
            // more than a few fields: the same, found another way
            Map<String, String> many = redis.hgetAll("h:3");
            assertEquals(20, many.size(), many.toString());
            assertTrue(!many.containsKey("f7") && "last".equals(many.get("f9")), many.toString());
            // and --value: the last a of line 1 is null, so it has none
            assertEquals("kept", redis.get("s:2"));
            assertEquals(0, redis.exists("s:1") ? 1 : 0);
        }
        assertTrue(value.out().contains("missing value field 'a'"), value.toString());
    }

    @Test
    void a_duration_jitter_not_shorter_than_the_ttl_is_exit_2_before_anything_is_written() throws IOException {
        home.run("start", "t").assertOk();
        write("u.jsonl", "{\"id\":1}\n{\"id\":2}\n");
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                categories:
                  user: { prefix: "user:", instance: t, ttl: 10m, ttl-jitter: 10m }
                """);

        CliResult flags = home.run("warm", "u.jsonl", "--to", "t", "--key", "j:{id}", "--ttl", "1h", "--ttl-jitter", "2h").assertExit(2);
        CliResult category = home.run("--config", "cachectl.yaml", "warm", "u.jsonl", "--key", "{id}", "--category", "user").assertExit(2);

        for (CliResult r : List.of(flags, category)) {
            assertEquals(1, r.err().lines().count(), r.toString());
        }
        assertTrue(flags.err().contains("--ttl-jitter 2h is not shorter than the TTL 1h"), flags.toString());
        assertTrue(category.err().contains("the ttl-jitter of category 'user' (")
                && category.err().contains("cachectl.yaml) 10m is not shorter than the TTL 10m"), category.toString());
        try (Jedis redis = redis()) {
            assertEquals(0, redis.dbSize());
        }
    }

    @Test
    void a_duration_jitter_spreads_a_ttl_field_by_at_most_half_of_it_and_never_expires_a_key() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            input.append("{\"id\":").append(i).append(",\"exp\":").append(i % 2 == 0 ? 100 : 20).append("}\n");
        }
        write("sessions.jsonl", input.toString());
        long started = System.nanoTime();

        CliResult r = home.run("warm", "sessions.jsonl", "--to", "t", "--key", "s:{id}", "--ttl-field", "exp", "--ttl-jitter", "5m").assertOk();

        assertTrue(r.err().contains("read 300, written 300"), r.toString());
        Set<Long> seen = new HashSet<>();
        try (Jedis redis = redis()) {
            for (int i = 0; i < 300; i++) {
                long ttl = i % 2 == 0 ? 100_000 : 20_000;
                long pttl = redis.pttl("s:" + i);
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(pttl > 0 && pttl >= ttl / 2 - elapsed && pttl <= ttl * 3 / 2,
                        "PTTL of s:" + i + " is " + pttl + ", outside " + ttl / 1000 + " s ± half of it");
                seen.add(pttl / 1000);
            }
        }
        assertTrue(seen.size() > 10, "300 keys expire within only " + seen.size() + " distinct seconds: no spread");
    }

    @Test
    void ttl_field_takes_seconds_or_an_absolute_time_and_skips_what_already_expired() throws IOException {
        home.run("start", "t").assertOk();
        Instant inAnHour = Instant.now().plusSeconds(3600);
        write("sessions.jsonl", "{\"id\":\"a\",\"exp\":600}\n"
                + "{\"id\":\"b\",\"exp\":\"" + inAnHour + "\"}\n"
                + "{\"id\":\"c\",\"exp\":\"2001-01-01T00:00:00Z\"}\n"
                + "{\"id\":\"d\"}\n"
                + "{\"id\":\"e\",\"exp\":\"soon\"}\n");

        CliResult r = home.run("warm", "sessions.jsonl", "--to", "t", "--key", "s:{id}", "--ttl-field", "exp", "--ttl", "30s").assertExit(4);

        assertTrue(r.err().contains("read 5, written 3, skipped 1, malformed 1"), r.toString());
        assertTrue(r.err().contains("line 5: TTL field 'exp' is neither seconds nor an ISO-8601 time"), r.toString());
        try (Jedis redis = redis()) {
            assertTrue(redis.ttl("s:a") > 590 && redis.ttl("s:a") <= 600, "seconds from now: " + redis.ttl("s:a"));
            assertTrue(redis.ttl("s:b") > 3590 && redis.ttl("s:b") <= 3600, "absolute time: " + redis.ttl("s:b"));
            assertEquals(0, redis.exists("s:c") ? 1 : 0, "an expiry in the past is not written");
            assertTrue(redis.ttl("s:d") > 0 && redis.ttl("s:d") <= 30, "no field: --ttl applies");
        }
    }

    @Test
    void a_ttl_field_more_than_100_years_away_is_malformed_and_the_key_it_would_replace_stays() throws IOException {
        home.run("start", "t").assertOk();
        try (Jedis redis = redis()) {
            redis.hset("h:a", "old", "1");
        }
        write("far.jsonl", "{\"id\":\"a\",\"exp\":99999999999999999999}\n"
                + "{\"id\":\"b\",\"exp\":\"9999-12-31T23:59:59Z\"}\n"
                + "{\"id\":\"c\",\"exp\":3600}\n");

        CliResult r = home.run("warm", "far.jsonl", "--to", "t", "--key", "h:{id}", "--as", "hash", "--ttl-field", "exp").assertExit(4);

        assertTrue(r.err().contains("read 3, written 1, skipped 0, malformed 2"), r.toString());
        assertTrue(r.err().contains("line 1: TTL field 'exp' is more than 100 years away: '99999999999999999999'"), r.toString());
        try (Jedis redis = redis()) {
            assertEquals(java.util.Map.of("old", "1"), redis.hgetAll("h:a"), "the hash it would have replaced without a TTL");
            assertEquals(0, redis.exists("h:b") ? 1 : 0);
            assertTrue(redis.ttl("h:c") > 3590, "a TTL within range is written: " + redis.ttl("h:c"));
        }
    }

    @Test
    void nx_writes_only_absent_keys_and_the_default_overwrites() throws IOException {
        home.run("start", "t").assertOk();
        write("users.jsonl", "{\"id\":1,\"name\":\"new\"}\n{\"id\":2,\"name\":\"new\"}\n");
        try (Jedis redis = redis()) {
            redis.set("u:1", "old");
            redis.hset("h:1", Map.of("name", "old", "stale", "field"));
        }

        CliResult nx = home.run("warm", "users.jsonl", "--to", "t", "--key", "u:{id}", "--value", "name", "--nx").assertOk();
        assertTrue(nx.err().contains("written 1, skipped 1"), nx.toString());
        home.run("warm", "users.jsonl", "--to", "t", "--key", "h:{id}", "--as", "hash", "--nx").assertOk();
        try (Jedis redis = redis()) {
            assertEquals("old", redis.get("u:1"));
            assertEquals("new", redis.get("u:2"));
            assertEquals(Map.of("name", "old", "stale", "field"), redis.hgetAll("h:1"));
            assertEquals(Map.of("id", "2", "name", "new"), redis.hgetAll("h:2"));
        }

        home.run("warm", "users.jsonl", "--to", "t", "--key", "u:{id}", "--value", "name").assertOk();
        home.run("warm", "users.jsonl", "--to", "t", "--key", "h:{id}", "--as", "hash", "--ttl", "1h").assertOk();
        try (Jedis redis = redis()) {
            assertEquals("new", redis.get("u:1"));
            assertEquals(Map.of("id", "1", "name", "new"), redis.hgetAll("h:1"), "a hash is replaced, not merged");
            assertTrue(redis.ttl("h:1") > 3500);
        }
    }

    @Test
    void as_json_writes_the_record_and_as_hash_its_fields_with_nested_values_as_json() throws IOException {
        home.run("start", "t").assertOk();
        write("orders.jsonl", "{\"id\":7,\"tenant\":\"acme\",\"total\":12.5,\"paid\":true,\"note\":null,"
                + "\"lines\":[{\"sku\":\"a\"}],\"who\":{\"name\":\"Ann \\\"A\\\" \\u00e9\"}}\n");

        home.run("warm", "orders.jsonl", "--to", "t", "--key", "{tenant}:order:{id}").assertOk();
        home.run("warm", "orders.jsonl", "--to", "t", "--key", "h:{{{tenant}}}:{id}", "--as", "hash").assertOk();

        try (Jedis redis = redis()) {
            JsonNode json = Json.MAPPER.readTree(redis.get("acme:order:7"));
            assertEquals(12.5, json.get("total").asDouble());
            assertEquals("Ann \"A\" é", json.get("who").get("name").asText());
            Map<String, String> hash = redis.hgetAll("h:{acme}:7");
            assertEquals("12.5", hash.get("total"));
            assertEquals("true", hash.get("paid"));
            assertEquals("[{\"sku\":\"a\"}]", hash.get("lines"));
            assertEquals("{\"name\":\"Ann \\\"A\\\" \\u00e9\"}", hash.get("who"));
            assertTrue(!hash.containsKey("note"), "null fields are left out");
        }
    }

    @Test
    void bad_mappings_and_options_are_exit_2_with_one_line() throws IOException {
        home.run("start", "t").assertOk();
        write("u.jsonl", "{\"id\":1}\n");
        String[][] cases = {
                {"--key", "constant"},
                {"--key", "u:{id"},
                {"--key", "u:{id}", "--as", "string"},
                {"--key", "u:{id}", "--as", "hash", "--value", "id"},
                {"--key", "u:{id}", "--ttl", "soon"},
                {"--key", "u:{id}", "--ttl-jitter", "10%"},
                {"--key", "u:{id}", "--ttl", "1h", "--ttl-jitter", "150%"},
                {"--key", "u:{id}", "--if-hit-ratio-below", "2"},
                {"--key", "u:{id}", "--query", "{}"},
                {"--key", "u:{id}", "--lock", "../escape"},
                {"--key", "u:{id}", "--category", "nope"},
                {"--key", "u:{id}", "--batch", "0"},
        };
        for (String[] flags : cases) {
            String[] args = new String[flags.length + 4];
            args[0] = "warm";
            args[1] = "u.jsonl";
            args[2] = "--to";
            args[3] = "t";
            System.arraycopy(flags, 0, args, 4, flags.length);
            CliResult r = home.run(args).assertExit(2);
            assertEquals(1, r.err().lines().count(), String.join(" ", flags) + "\n" + r);
        }
        CliResult noKey = home.run("warm", "u.jsonl", "--to", "t").assertExit(2);
        assertTrue(noKey.err().contains("--key is required"), noKey.toString());
        try (Jedis redis = redis()) {
            assertEquals(0, redis.dbSize());
        }
    }

    @Test
    void help_lists_the_options_without_warnings() {
        CliResult help = home.run("warm", "--help").assertOk();
        assertEquals("", help.err());
        for (String option : new String[] {"--key", "--as", "--ttl-jitter", "--top", "--if-hit-ratio-below", "--max-errors", "--rate"}) {
            assertTrue(help.out().contains(option), option);
        }
        assertTrue(help.out().contains("(0.9 or 90%)"), help.out());
    }

    private Jedis redis() {
        return new Jedis("127.0.0.1", home.port("t"));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(home.workDir().resolve(name), content);
    }
}
