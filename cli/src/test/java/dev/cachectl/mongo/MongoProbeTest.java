package dev.cachectl.mongo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.testing.InJvmMongo;
import dev.cachectl.util.Json;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MongoDB status probe against a real server: mongo-java-server (the embedded engine's) in this JVM on
 * 127.0.0.1, with documents in two databases; and, for what that server does not report (memory, counters,
 * the WiredTiger cache), the answers a mongod gives, captured.
 */
class MongoProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static InJvmMongo server;
    private static Endpoint endpoint;

    @BeforeAll
    static void startServerWithTwoDatabases() {
        server = InJvmMongo.withDocuments(Map.of(
                "shop.users", List.of(new Document("n", 1), new Document("n", 2), new Document("n", 3)),
                "shop.orders", List.of(new Document("o", 1), new Document("o", 2)),
                "crm.contacts", List.of(new Document("c", 1), new Document("c", 2), new Document("c", 3), new Document("c", 4))));
        endpoint = server.endpoint();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void samples_the_core_and_every_database() {
        ServerSample s = MongoProbe.sample(endpoint, TIMEOUT);
        assertEquals(ProcessHandle.current().pid(), s.pid(), "the server runs in this JVM");
        assertTrue(s.version() != null && !s.version().isBlank(), s.version());
        assertTrue(s.clients() >= 1, "the probe's own connection at least: " + s.clients());
        assertTrue(s.runId().endsWith(":" + s.pid()), s.runId());
        MongoDetails d = (MongoDetails) s.details();
        assertEquals("standalone", d.role());
        assertEquals(List.of("crm", "shop"), d.mongo().databases().stream().map(MongoDetails.Database::name).sorted().toList());
        MongoDetails.Database shop = database(d, "shop");
        assertEquals(2, shop.collections());
        assertEquals(5, shop.documents());
        assertTrue(shop.dataSize() > 0, "data size " + shop.dataSize());
        assertEquals(4, database(d, "crm").documents());
        assertEquals(9, d.keys(), "documents over both databases");
    }

    @Test
    void what_the_embedded_server_does_not_report_is_null_in_json_and_said_in_text() throws Exception {
        ServerSample s = MongoProbe.sample(endpoint, TIMEOUT);
        assertNull(s.usedMemory());
        assertNull(s.hits());
        assertNull(s.totalCommands());
        assertNull(s.opsPerSec());
        JsonNode json = Json.MAPPER.valueToTree(s.details());
        assertEquals(List.of("mongo"), iterable(json.fieldNames()));
        assertTrue(json.at("/mongo/cache").isNull());
        assertTrue(json.at("/mongo/opcounters").isNull());
        assertTrue(json.at("/mongo/resident_bytes").isNull());
        assertEquals(5, json.at("/mongo/databases/1/documents").asLong(), json.toString());
        List<String> lines = s.details().lines();
        assertTrue(lines.contains("cache, operation counters, resident memory: not reported by this server"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("db shop: 2 collections, 5 documents, data ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("db crm: 1 collections, 4 documents, data ")), lines.toString());
    }

    @Test
    void a_server_that_is_not_there_is_down() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Endpoint nowhere = new Endpoint("mongodb", "127.0.0.1", port, null, null, 0);
        CachectlException e = assertThrows(CachectlException.class, () -> MongoProbe.sample(nowhere, Duration.ofMillis(500)));
        assertEquals(ExitCode.DOWN, e.exitCode());
        assertEquals("cannot reach mongodb://127.0.0.1:" + port + ": nothing accepts connections there (connection refused)",
                e.getMessage());
    }

    /** mongod 7.0's answers, cut to what the probe reads. */
    @Test
    void a_mongod_reports_memory_counters_and_cache() {
        Document hello = Document.parse("{isWritablePrimary: true, setName: 'rs0', secondary: false, ok: 1}");
        Document status = Document.parse("""
                {host: 'db1', version: '7.0.14', process: 'mongod', pid: {$numberLong: '4242'}, uptime: 3600.0,
                 connections: {current: 12, available: 838848},
                 mem: {bits: 64, resident: 150, virtual: 2900},
                 opcounters: {insert: {$numberLong: '100'}, query: {$numberLong: '40'}, update: {$numberLong: '10'},
                              delete: {$numberLong: '5'}, getmore: {$numberLong: '2'}, command: {$numberLong: '300'}},
                 wiredTiger: {cache: {'bytes currently in the cache': {$numberLong: '52428800'},
                                      'maximum bytes configured': {$numberLong: '268435456'},
                                      'tracked dirty bytes in the cache': 1024,
                                      'pages read into cache': 50, 'pages requested from the cache': 1000}},
                 metrics: {commands: {find: {failed: 0, total: {$numberLong: '40'}}, insert: {failed: 0, total: 100},
                           update: {arrayFilters: 0, failed: 0, pipeline: 0, total: 10}, hello: {failed: 0, total: 250},
                           isMaster: {failed: 0, total: 7}, serverStatus: {failed: 0, total: 20}, aggregate: {failed: 1, total: 3},
                           listDatabases: {failed: 0, total: 20}, dbStats: {failed: 0, total: 40}, '<UNKNOWN>': 0}},
                 ok: 1}""");
        ServerSample s = MongoProbe.sample(1000, hello, status, List.of(new MongoDetails.Database("shop", 2L, 300L, 4096L,
                8192L, 1024L)));
        assertEquals("primary", s.details().role());
        assertEquals(4242, s.pid());
        assertEquals(3600, s.uptimeSeconds());
        assertEquals(150L * 1024 * 1024, s.usedMemory());
        assertEquals(12, s.clients());
        assertEquals(457, s.totalCommands(), "every opcounter");
        assertEquals(153, s.clientCommands(), "find, insert, update and aggregate; not the probe's hello, status and stats");
        assertEquals(950, s.hits(), "pages requested that were in the cache");
        assertEquals(50, s.misses(), "pages read into it");
        List<String> lines = s.details().lines();
        assertEquals(List.of("db shop: 2 collections, 300 documents, data 4.0 KiB, storage 8.0 KiB, indexes 1.0 KiB",
                "cache 50.0 MiB/256.0 MiB, dirty 1.0 KiB, 50 of 1000 pages requested read into it",
                "operations: insert 100, query 40, update 10, delete 5, getmore 2, command 300"), lines);
    }

    private static MongoDetails.Database database(MongoDetails d, String name) {
        return d.mongo().databases().stream().filter(db -> db.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
