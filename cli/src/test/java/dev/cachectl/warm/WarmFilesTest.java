package dev.cachectl.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmFilesTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private static final String USERS_JSONL = """
            {"id": 1, "name": "Ann", "city": "Oslo"}
            {"id": 2, "name": "Bob", "city": "Rome"}
            {"id": 3, "name": "Cid", "city": "Lima"}
            """;

    private static final String USERS_CSV = "id,name,city\r\n1,Ann,Oslo\r\n2,Bob,Rome\r\n3,Cid,Lima\r\n";

    @Test
    void json_lines_csv_and_their_gzipped_forms_all_load_every_record() throws IOException {
        home.run("start", "t").assertOk();
        write("users.jsonl", USERS_JSONL);
        write("users.csv", USERS_CSV);
        gzip("users.jsonl.gz", USERS_JSONL);
        gzip("export.gz", USERS_CSV); // no format in the name: gzip by its magic bytes, CSV by its first character

        home.run("warm", "users.jsonl", "--to", "t", "--key", "j:{id}", "--value", "name").assertOk();
        home.run("warm", "users.csv", "--to", "t", "--key", "c:{id}", "--value", "name").assertOk();
        home.run("warm", "users.jsonl.gz", "--to", "t", "--key", "jz:{id}", "--value", "city").assertOk();
        home.run("warm", "export.gz", "--to", "t", "--key", "cz:{id}", "--value", "city").assertOk();

        try (Jedis redis = redis()) {
            assertEquals(12, redis.dbSize());
            assertEquals("Ann", redis.get("j:1"));
            assertEquals("Cid", redis.get("c:3"));
            assertEquals("Rome", redis.get("jz:2"));
            assertEquals("Lima", redis.get("cz:3"));
            assertEquals(-1, redis.ttl("j:1"), "no --ttl: no expiry");
        }
    }

    @Test
    void a_truncated_gzip_file_loads_every_line_before_the_break_and_says_where_it_broke() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            lines.append("{\"id\":").append(i).append(",\"pad\":\"").append(Integer.toHexString(i * 7919)).append("x".repeat(80))
                    .append("\"}\n");
        }
        gzip("whole.jsonl.gz", lines.toString());
        byte[] whole = Files.readAllBytes(home.workDir().resolve("whole.jsonl.gz"));
        Path cut = home.workDir().resolve("cut.jsonl.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        long complete = completeLinesIn(cut);
        assertTrue(complete > 1000 && complete < 100_000, "lines before the cut: " + complete);

        CliResult r = home.run("--json", "warm", "cut.jsonl.gz", "--to", "t", "--key", "z:{id}", "--value", "pad").assertExit(4);
        JsonNode summary = Json.MAPPER.readTree(r.out());
        // the lines read in the batch the failure cut short, and those the decompressor had read ahead, were dropped
        assertEquals(complete, summary.get("read").asLong(), r.toString());
        assertEquals(complete, summary.get("written").asLong(), r.toString());
        assertTrue(summary.get("message").asText().matches("cannot read \\S*cut\\.jsonl\\.gz after line " + complete + ": .+"),
                r.toString());
        try (Jedis redis = redis()) {
            assertEquals(complete, redis.dbSize());
            assertTrue(redis.exists("z:" + (complete - 1)), "the last complete line");
        }
    }

    @Test
    void verbose_adds_the_stack_trace_of_what_stopped_the_run_and_without_it_the_error_is_one_line() throws IOException {
        home.run("start", "t").assertOk();
        gzip("whole.jsonl.gz", USERS_JSONL.repeat(2000));
        byte[] whole = Files.readAllBytes(home.workDir().resolve("whole.jsonl.gz"));
        Files.write(home.workDir().resolve("cut.jsonl.gz"), Arrays.copyOf(whole, whole.length / 2));

        CliResult plain = home.run("warm", "cut.jsonl.gz", "--to", "t", "--key", "z:{id}", "--value", "name").assertExit(4);
        List<String> lines = plain.err().lines().toList();
        assertEquals(2, lines.size(), "the error and the summary: " + plain);
        assertTrue(lines.get(0).startsWith("cachectl: cannot read "), plain.toString());
        assertFalse(plain.err().contains("Exception"), plain.toString());

        CliResult verbose = home.run("--verbose", "warm", "cut.jsonl.gz", "--to", "t", "--key", "z:{id}", "--value", "name")
                .assertExit(4);
        String err = verbose.err();
        assertTrue(err.startsWith(lines.get(0) + "\n"), "the same line first: " + verbose);
        assertTrue(err.contains("java.io.EOFException: Unexpected end of ZLIB input stream\n\tat "), verbose.toString());
        assertTrue(err.lines().reduce((a, b) -> b).orElseThrow().startsWith("warm cut.jsonl.gz → t: read "), verbose.toString());
    }

    @Test
    void a_byte_order_mark_before_the_first_json_line_is_not_part_of_it() throws IOException {
        home.run("start", "t").assertOk();
        Files.write(home.workDir().resolve("bom.jsonl"),
                ("\uFEFF" + USERS_JSONL).getBytes(StandardCharsets.UTF_8));
        home.run("warm", "bom.jsonl", "--to", "t", "--key", "b:{id}", "--value", "name").assertOk();
        try (Jedis redis = redis()) {
            assertEquals("Ann", redis.get("b:1"));
            assertEquals(3, redis.dbSize());
        }
    }

    /** The complete lines a truncated .gz holds: what it inflates to before the stream breaks, up to its last newline. */
    private static long completeLinesIn(Path gz) throws IOException {
        long lines = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    lines += buf[i] == '\n' ? 1 : 0;
                }
            }
            throw new AssertionError("the cut file inflated to its end");
        } catch (EOFException broken) {
            return lines;
        }
    }

    @Test
    void malformed_lines_are_reported_by_number_and_the_rest_is_loaded() throws IOException {
        home.run("start", "t").assertOk();
        write("mixed.jsonl", """
                {"id": 1, "name": "Ann"}
                {"id": 2, "name": "Bob"}
                {"id": 3, "name": "Cid"
                {"name": "no id"}

                not json at all
                {"id": 7, "name": "Eve"}
                ["an", "array"]
                {"id": 9, "name": "Fay"}
                {"id": "", "name": "Gus"}
                {"id": null, "name": "Hal"}
                """);

        CliResult r = home.run("warm", "mixed.jsonl", "--to", "t", "--key", "u:{id}", "--value", "name").assertExit(4);

        assertTrue(r.err().contains("line 3: bad JSON"), r.toString());
        assertTrue(r.err().contains("line 4: missing key field 'id'"), r.toString());
        assertTrue(r.err().contains("line 6: bad JSON"), r.toString());
        assertTrue(r.err().contains("line 8: bad JSON: not a JSON object"), r.toString());
        assertTrue(r.err().contains("line 10: empty key field 'id'"), r.toString());
        assertTrue(r.err().contains("line 11: missing key field 'id'"), r.toString());
        List<String> lines = r.err().lines().toList();
        String summary = lines.get(lines.size() - 1);
        assertTrue(summary.contains("read 10, written 4, skipped 0, malformed 6, failed 0"), summary);
        try (Jedis redis = redis()) {
            assertEquals(4, redis.dbSize());
            assertEquals("Fay", redis.get("u:9"));
        }
    }

    @Test
    void max_errors_stops_the_run_once_exceeded() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            input.append(i % 5 == 0 ? "broken\n" : "{\"id\":" + i + ",\"v\":\"x\"}\n");
        }
        write("many.jsonl", input.toString());

        CliResult r = home.run("warm", "many.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--max-errors", "2", "--batch", "1", "--threads", "1").assertExit(4);

        assertTrue(r.err().contains("more than 2 malformed or failed records"), r.toString());
        try (Jedis redis = redis()) {
            assertTrue(redis.dbSize() < 40, "the run went on after the limit: " + redis.dbSize());
        }
    }

    @Test
    void max_errors_writes_no_record_after_the_one_past_the_limit() throws IOException {
        home.run("start", "t").assertOk();
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            input.append(i % 100 == 1 ? "broken\n" : "{\"id\":" + i + ",\"v\":\"x\"}\n"); // lines 1, 101, … 901 are bad
        }
        write("bad-first.jsonl", input.toString());

        // the first line is already one too many: a batch bigger than the file does not carry the rest along
        CliResult none = home.run("warm", "bad-first.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--max-errors", "0", "--batch", "5000").assertExit(1);
        assertTrue(none.err().contains("read 1, written 0, skipped 0, malformed 1, failed 0"), none.toString());
        try (Jedis redis = redis()) {
            assertEquals(0, redis.dbSize(), none.toString());
        }

        // the sixth bad line is line 501; batches of 50 are mapped in parallel, and still nothing after it is written
        CliResult five = home.run("warm", "bad-first.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--max-errors", "5", "--batch", "50", "--threads", "4").assertExit(4);
        assertTrue(five.err().contains("read 501, written 495, skipped 0, malformed 6, failed 0"), five.toString());
        try (Jedis redis = redis()) {
            assertEquals(495, redis.dbSize(), five.toString());
            assertTrue(redis.keys("k:*").stream().allMatch(k -> Integer.parseInt(k.substring(2)) < 501),
                    "a record after line 501 was written: " + five);
        }
    }

    @Test
    void a_binary_file_read_as_csv_is_refused_in_one_readable_line() throws IOException {
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        binary[0] = 0x7f;
        binary[1] = 'E';
        Files.write(home.workDir().resolve("blob.csv"), binary);
        home.run("start", "t").assertOk();

        CliResult r = home.run("warm", "blob.csv", "--to", "t", "--key", "k:{id}").assertExit(2);

        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("has no column 'id' (columns: "), r.toString());
        assertTrue(r.err().chars().allMatch(c -> c == '\n' || c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)),
                "no control character reaches the terminal: " + r.err().replaceAll("\\p{Cntrl}", "?"));
        assertTrue(r.err().length() < 800, "the header is cut: " + r.err().length() + " characters");
    }

    @Test
    void csv_quoting_follows_rfc_4180_and_line_numbers_count_physical_lines() throws IOException {
        home.run("start", "t").assertOk();
        String csv = "\uFEFFid,text,note\r\n"
                + "1,\"a, b\",plain\r\n"
                + "2,\"she said \"\"hi\"\"\",\"\"\r\n"
                + "3,\"two\nlines\",x\n"
                + "4,too,many,fields\n"
                + "\n"
                + "5,\"bad \"quote\",x\n"
                + "6,last,\"with \"\"both\"\",\r\nand newline\"";
        write("edge.csv", csv);

        CliResult r = home.run("warm", "edge.csv", "--to", "t", "--key", "e:{id}", "--as", "hash").assertExit(4);

        assertTrue(r.err().contains("line 6: has 4 fields, the header has 3"), r.toString());
        assertTrue(r.err().contains("line 8: unexpected"), r.toString());
        try (Jedis redis = redis()) {
            assertEquals("a, b", redis.hget("e:1", "text"));
            assertEquals("she said \"hi\"", redis.hget("e:2", "text"));
            assertEquals("", redis.hget("e:2", "note"));
            assertEquals("two\nlines", redis.hget("e:3", "text"));
            assertEquals("with \"both\",\r\nand newline", redis.hget("e:6", "note"));
            assertEquals("1", redis.hget("e:1", "id"), "the BOM is not part of the first column's name");
            assertFalse(redis.exists("e:4"));
            assertFalse(redis.exists("e:5"));
        }
    }

    @Test
    void an_unbalanced_quote_costs_its_own_row_and_reading_resumes_on_the_next_line() throws IOException {
        home.run("start", "t").assertOk();
        write("quotes.csv", "id,name\n"
                + "1,\"Ann\n" // line 2: opens a quote that the next quote (line 4) closes in the wrong place
                + "2,Bob\n"
                + "3,\"Cid\"\n"
                + "4,Dan\n"
                + "5,\"Eve\n" // line 6: opens a quote that nothing closes
                + "6,Fay\n");

        CliResult r = home.run("warm", "quotes.csv", "--to", "t", "--key", "u:{id}", "--value", "name").assertExit(4);

        assertTrue(r.err().contains("line 2: unexpected 'C' after a closing quote"), r.toString());
        assertTrue(r.err().contains("reading resumed on line 3"), r.toString());
        assertTrue(r.err().contains("line 6: a quoted field is not closed before the end of the input"), r.toString());
        assertTrue(r.err().contains("reading resumed on line 7"), r.toString());
        assertTrue(r.err().contains("read 6, written 4, skipped 0, malformed 2"), r.toString());
        try (Jedis redis = redis()) {
            assertEquals(List.of("Bob", "Cid", "Dan", "Fay"), redis.mget("u:2", "u:3", "u:4", "u:6"));
            assertFalse(redis.exists("u:1") || redis.exists("u:5"));
        }
    }

    @Test
    void a_key_field_missing_from_the_csv_header_is_a_bad_mapping() throws IOException {
        home.run("start", "t").assertOk();
        write("users.csv", USERS_CSV);

        CliResult r = home.run("warm", "users.csv", "--to", "t", "--key", "u:{user_id}", "--value", "name").assertExit(2);

        assertTrue(r.err().contains("no column 'user_id'") && r.err().contains("id, name, city"), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
    }

    @Test
    void dry_run_shows_the_writes_and_writes_nothing() throws IOException {
        home.run("start", "t").assertOk();
        write("users.jsonl", USERS_JSONL + "oops\n");

        CliResult r = home.run("warm", "users.jsonl", "--to", "t", "--key", "u:{id}", "--ttl", "1h", "--dry-run").assertExit(4);

        assertTrue(r.out().contains("SET u:1 '{\"id\": 1, \"name\": \"Ann\", \"city\": \"Oslo\"}' PX 3600000"), r.toString());
        assertTrue(r.err().contains("line 4: bad JSON"), r.toString());
        assertTrue(r.err().contains("would write 3") && r.err().contains("dry run, nothing written"), r.toString());
        try (Jedis redis = redis()) {
            assertEquals(0, redis.dbSize());
        }
    }

    @Test
    void json_summary_goes_to_stdout_and_quiet_prints_nothing_when_all_is_well() throws IOException {
        home.run("start", "t").assertOk();
        write("users.jsonl", USERS_JSONL);

        CliResult json = home.run("warm", "users.jsonl", "--to", "t", "--key", "u:{id}", "--json").assertOk();
        JsonNode doc = Json.MAPPER.readTree(json.out());
        assertEquals("completed", doc.get("outcome").asText());
        assertEquals(3, doc.get("read").asLong());
        assertEquals(3, doc.get("written").asLong());
        assertEquals(0, doc.get("malformed").asLong());
        assertTrue(doc.get("records_per_second").isNumber());
        assertEquals("", json.err(), "--json: nothing but the document");

        CliResult quiet = home.run("warm", "users.jsonl", "--to", "t", "--key", "q:{id}", "--quiet").assertOk();
        assertEquals("", quiet.out() + quiet.err());
    }

    @Test
    void a_source_without_a_single_record_is_exit_1_so_a_failed_export_is_noticed() throws IOException {
        home.run("start", "t").assertOk();
        write("empty.csv", "");
        CliResult file = home.run("warm", "empty.csv", "--to", "t", "--key", "u:{id}").assertExit(1);
        assertTrue(file.err().contains("nothing to warm: empty.csv held no records"), file.toString());
        assertTrue(file.err().contains("read 0, written 0"), file.toString());

        CliResult quiet = home.runWithInput(new byte[0], "warm", "-", "--to", "t", "--key", "u:{id}", "--quiet").assertExit(1);
        assertTrue(quiet.err().contains("nothing to warm: stdin held no records"), quiet.toString());

        CliResult json = home.runWithInput("\n\n".getBytes(StandardCharsets.UTF_8), "warm", "-", "--to", "t",
                "--key", "u:{id}", "--json").assertExit(1);
        JsonNode doc = Json.MAPPER.readTree(json.out());
        assertEquals("failed", doc.get("outcome").asText());
        assertEquals("nothing to warm: stdin held no records", doc.get("message").asText());

        CliResult piped = home.runWithInput(USERS_JSONL.getBytes(StandardCharsets.UTF_8), "warm", "-", "--to", "t",
                "--key", "u:{id}").assertOk();
        assertTrue(piped.err().contains("warm stdin → t: read 3, written 3"), piped.toString());
    }

    @Test
    void a_target_that_is_not_running_is_exit_3_and_a_missing_file_exit_2() throws IOException {
        write("users.jsonl", USERS_JSONL);
        CliResult down = home.run("warm", "users.jsonl", "--to", "nothere", "--key", "u:{id}").assertExit(3);
        assertTrue(down.err().contains("'nothere' is not running: start it with 'cachectl start nothere'"), down.toString());
        assertFalse(home.hasState("nothere"), "warm must not start servers");

        home.run("start", "t").assertOk();
        CliResult missing = home.run("warm", "nope.jsonl", "--to", "t", "--key", "u:{id}").assertExit(2);
        assertTrue(missing.err().contains("no such file"), missing.toString());
        assertFalse(missing.err().contains("instance"), missing.toString());

        // an instance's name where a file was expected: how to name it as a source
        CliResult redis = home.run("warm", "t", "--to", "t", "--key", "u:{id}").assertExit(2);
        assertTrue(redis.err().contains("no such file: ") && redis.err().contains("'t' is a Redis instance: warm copies its "
                + "hottest keys with --top N"), redis.toString());
        home.env().put("MONGODB_SHOP_URL", "mongodb://127.0.0.1:1/shop");
        CliResult mongo = home.run("warm", "shop", "--to", "t", "--key", "u:{id}").assertExit(2);
        assertTrue(mongo.err().contains("'shop' is a mongo instance: name the collection to read, as "
                + "mongodb://HOST:PORT/DB.COLLECTION"), mongo.toString());
    }

    private Jedis redis() {
        return new Jedis("127.0.0.1", home.port("t"));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(home.workDir().resolve(name), content);
    }

    private void gzip(String name, String content) throws IOException {
        Path file = home.workDir().resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
