package dev.cachectl.mongo;

import dev.cachectl.CachectlException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mongod path, which no test here can run (no mongod can be installed on this machine): its command line,
 * and what cachectl reads from mongod's own output, as mongod 4.2 and 7.0 print it (captured from real servers).
 */
class MongodCommandTest {

    @Test
    void mongod_runs_in_the_data_folder_on_loopback_with_the_cache_from_maxmemory() {
        Path data = Path.of("/home/u/.cachectl/instances/docs/data");
        assertEquals(List.of("/usr/bin/mongod", "--dbpath", data.toString(), "--port", "27018", "--bind_ip", "127.0.0.1"),
                MongoCommands.mongod(Path.of("/usr/bin/mongod"), 27018, data, null));
        assertEquals(List.of("/usr/bin/mongod", "--dbpath", data.toString(), "--port", "27018", "--bind_ip", "127.0.0.1",
                        "--wiredTigerCacheSizeGB", "1.50"),
                MongoCommands.mongod(Path.of("/usr/bin/mongod"), 27018, data, 1536L * 1024 * 1024));
        CachectlException small = assertThrows(CachectlException.class, () -> MongoCommands.checkMaxmemory(100L * 1024 * 1024, false));
        assertTrue(small.getMessage().contains("256mb"), small.getMessage());
    }

    @Test
    void the_embedded_server_is_its_own_small_jvm_with_an_h2_store_when_persistent() {
        List<String> command = MongoCommands.embedded(Path.of("/usr/bin/java"), "/h/bin/cachectl.jar", 4000,
                Path.of("/h/instances/m/data/mongo.mv.db"), 64L * 1024 * 1024, null);
        assertEquals("/usr/bin/java", command.get(0));
        assertTrue(command.contains("-Xmx65536k"), command::toString);
        // the whole heap at once (no full collections to grow it), an eighth of it young, at least a little
        assertTrue(command.contains("-Xms65536k") && command.contains("-Xmn21845k"), command::toString);
        List<String> big = MongoCommands.embedded(Path.of("java"), "cp", 4000, null, 3L << 30, null);
        assertTrue(big.contains("-Xms3145728k") && big.contains("-Xmn393216k"), big::toString);
        int main = command.indexOf(EmbeddedMongoMain.class.getName());
        assertEquals(List.of("--port", "4000", "--store", "/h/instances/m/data/mongo.mv.db"), command.subList(main + 1, command.size()));
        assertFalse(MongoCommands.embedded(Path.of("java"), "cp", 4000, null, null, null).contains("--store"));
        List<String> archived = MongoCommands.embedded(Path.of("java"), "/h/bin/c.jar", 4000, null, null, Path.of("/h/bin/c.mongo.jsa"));
        assertTrue(archived.indexOf("-XX:SharedArchiveFile=/h/bin/c.mongo.jsa") < archived.indexOf("-cp"), archived::toString);
        assertTrue(archived.contains("-Xshare:auto"), archived::toString);
    }

    @Test
    void a_lost_port_is_read_from_mongod_logs_old_and_new() {
        List<String> json = List.of(
                "{\"t\":{\"$date\":\"2024-01-05T10:00:00.000+00:00\"},\"s\":\"I\",  \"c\":\"CONTROL\",  \"id\":23285,   \"ctx\":\"main\",\"msg\":\"Automatically disabling TLS 1.0\"}",
                "{\"t\":{\"$date\":\"2024-01-05T10:00:00.100+00:00\"},\"s\":\"E\",  \"c\":\"NETWORK\",  \"id\":23024,   \"ctx\":\"initandlisten\",\"msg\":\"Failed to set up listener\",\"attr\":{\"error\":{\"code\":9001,\"codeName\":\"SocketException\",\"errmsg\":\"Address already in use\"}}}",
                "{\"t\":{\"$date\":\"2024-01-05T10:00:00.101+00:00\"},\"s\":\"I\",  \"c\":\"CONTROL\",  \"id\":20565,   \"ctx\":\"initandlisten\",\"msg\":\"Now exiting\"}");
        List<String> legacy = List.of(
                "2020-01-05T10:00:00.100+0000 E  STORAGE  [initandlisten] Failed to set up listener: SocketException: Address already in use",
                "2020-01-05T10:00:00.101+0000 I  CONTROL  [initandlisten] now exiting");
        List<String> ready = List.of(
                "{\"t\":{\"$date\":\"2024-01-05T10:00:00.300+00:00\"},\"s\":\"I\",  \"c\":\"NETWORK\",  \"id\":23016,   \"ctx\":\"listener\",\"msg\":\"Waiting for connections\",\"attr\":{\"port\":27018,\"ssl\":\"off\"}}");
        assertTrue(MongoLog.portInUse(json));
        assertTrue(MongoLog.portInUse(legacy));
        assertTrue(MongoLog.portInUse(List.of("2026-12-06T06:00:00Z cannot listen on 127.0.0.1:4000: Address already in use")));
        assertFalse(MongoLog.portInUse(ready));
    }

    @Test
    void the_version_is_read_from_mongod_version_output() {
        String v7 = "db version v7.0.2\nBuild Info: {\n    \"version\": \"7.0.2\",\n    \"gitVersion\": \"02b3c655e1302209ef046da6ba3ef6749dd0b62a\"\n}\n";
        assertEquals("7.0.2", MongoBinaries.parseVersion(Path.of("/usr/bin/mongod"), 0, v7));
        CachectlException e = assertThrows(CachectlException.class,
                () -> MongoBinaries.parseVersion(Path.of("/bin/true"), 0, "hello\n"));
        assertTrue(e.getMessage().contains("does not look like mongod"), e.getMessage());
    }
}
