package dev.cachectl.engine;

import dev.cachectl.CachectlException;
import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seam names no lifecycle type, and each engine judges a server's settings itself. */
class EngineSeamTest {

    @Test
    void the_engine_package_imports_nothing_from_the_lifecycle() throws IOException {
        Path engine = Repo.root().resolve("cli/src/main/java/dev/cachectl/engine");
        try (Stream<Path> files = Files.list(engine)) {
            List<String> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains("import dev.cachectl.lifecycle.");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> f.getFileName().toString()).toList();
            assertEquals(List.of(), offenders);
        }
    }

    @Test
    void each_engine_refuses_what_its_server_cannot_honour_in_one_line() {
        Map<String, Object> clusterWithTls = Map.of(ServerSettings.CLUSTER, ClusterShape.parse("3"), ServerSettings.TLS, true);
        CachectlException redis = assertThrows(CachectlException.class, () -> Engines.named("redis").settings(clusterWithTls));
        assertEquals(2, redis.exitCode().code());
        assertTrue(redis.getMessage().contains("--tls with --cluster is not supported"), redis.getMessage());

        CachectlException mongo = assertThrows(CachectlException.class,
                () -> Engines.named("mongo").settings(Map.of(ServerSettings.POLICY, "allkeys-lru")));
        assertEquals(2, mongo.exitCode().code());
        assertTrue(mongo.getMessage().startsWith("--policy does not apply to a mongo instance"), mongo.getMessage());
        assertEquals(1, mongo.getMessage().lines().count());

        ServerSettings accepted = Engines.named("redis").settings(Map.of(ServerSettings.POLICY, "allkeys-lru",
                ServerSettings.MAXMEMORY, 64L << 20));
        assertEquals("allkeys-lru", accepted.get(ServerSettings.POLICY, String.class));
        assertEquals(64L << 20, accepted.maxmemory());
    }
}
