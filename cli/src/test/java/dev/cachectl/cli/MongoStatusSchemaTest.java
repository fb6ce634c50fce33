package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.StateStore;
import dev.cachectl.mongo.MongoDetails;
import dev.cachectl.mongo.MongoProbe;
import dev.cachectl.status.StatusReport;
import dev.cachectl.status.StatusService;
import dev.cachectl.status.advice.AdvisedReport;
import dev.cachectl.status.advice.Advisor;
import dev.cachectl.testing.InJvmMongo;
import dev.cachectl.util.Json;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A MongoDB instance's {@code status --json}: the same core keys as a Redis instance's plus its {@code mongo}
 * object, matching docs/schema/status.schema.json, up (mongo-java-server in this JVM, documents in two databases)
 * and down. The status service meets the probe through an engine of this test's own, standing in for the mongo
 * engine's registration.
 */
class MongoStatusSchemaTest {
    /** The fields every engine's instance has (status.schema.json's required list). */
    private static final Set<String> CORE = new TreeSet<>(List.of("name", "engine", "kind", "up", "error", "url", "pid",
            "port", "binary", "binary_source", "version", "uptime_seconds", "used_memory", "maxmemory", "memory_pct",
            "hits", "misses", "hit_ratio", "hit_ratio_interval", "ops_per_sec", "clients", "idle_seconds",
            "idle_timeout_seconds", "idle_timeout_not_enforced", "cluster", "nodes", "commands_processed", "change"));

    private static InJvmMongo server;
    private static Endpoint endpoint;

    @TempDir
    Path home;

    @BeforeAll
    static void startServerWithTwoDatabases() {
        server = InJvmMongo.withDocuments(Map.of("shop.users", List.of(new Document("n", 1), new Document("n", 2)),
                "crm.contacts", List.of(new Document("c", 1))));
        endpoint = server.endpoint();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void an_up_mongo_has_the_core_keys_and_its_mongo_object() throws Exception {
        JsonNode doc = valid(report(List.of(ref("m", endpoint)), Duration.ofMillis(200)));
        JsonNode m = doc.at("/instances/0");
        assertTrue(m.get("up").asBoolean(), m.toString());
        assertEquals("mongo", m.get("engine").asText());
        Set<String> fields = fields(m);
        assertTrue(fields.remove("mongo"), "its details under mongo: " + fields);
        assertEquals(CORE, fields, "the core keys, and no Redis field");
        assertEquals(ProcessHandle.current().pid(), m.get("pid").asLong());
        assertTrue(m.get("used_memory").isNull(), "mongo-java-server reports no memory");
        assertEquals(0.0, m.get("ops_per_sec").asDouble(), "no client operation over the interval");
        assertEquals(2, m.at("/mongo/databases").size());
        assertEquals("standalone", m.at("/mongo/role").asText());
        assertTrue(m.at("/mongo/cache").isNull());
    }

    @Test
    void a_down_mongo_matches_too() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StatusReport report = report(List.of(ref("gone", new Endpoint("mongodb", "127.0.0.1", port, null, null, 0))), null);
        assertEquals(ExitCode.DOWN, report.exitCode());
        JsonNode m = valid(report).at("/instances/0");
        assertFalse(m.get("up").asBoolean());
        assertTrue(m.get("mongo").isNull(), m.toString());
        assertEquals("cannot reach mongodb://127.0.0.1:" + port + ": nothing accepts connections there (connection refused)",
                m.get("error").asText());
    }

    private StatusReport report(List<InstanceRef> refs, Duration interval) {
        return new StatusService(new StateStore(new Home(home)), name -> MONGO).collect(refs, interval);
    }

    private static InstanceRef ref(String name, Endpoint at) {
        return new InstanceRef.External(name, "mongo", at, "test");
    }

    private static JsonNode valid(StatusReport report) throws Exception {
        JsonNode doc = Json.MAPPER.valueToTree(AdvisedReport.of(report, Advisor.standard(Map.of()), Map.of(), false));
        Set<ValidationMessage> errors = JsonSchemaTest.schema("status").validate(doc);
        assertTrue(errors.isEmpty(), () -> "status --json does not match docs/schema/status.schema.json: " + errors + "\n" + doc);
        return doc;
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The part of the mongo engine status uses: its name, its probe, its details of a down instance. */
    private static final Engine MONGO = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(),
            new Class<?>[] {Engine.class}, mongoEngine());

    private static InvocationHandler mongoEngine() {
        return (proxy, method, args) -> switch (method.getName()) {
            case "name" -> "mongo";
            case "sample" -> MongoProbe.sample((Endpoint) args[0], (Duration) args[1]);
            case "unknownDetails" -> (ServerSample.Details) MongoDetails.UNKNOWN;
            default -> throw new UnsupportedOperationException(method.getName());
        };
    }
}
