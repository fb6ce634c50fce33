package dev.cachectl.mongo;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MongoUrlsTest {

    @Test
    void parses_host_port_database_and_collection() {
        Endpoint e = MongoUrls.parse("mongodb://app:s3cret@db.example:27018/shop.orders.2024?authSource=admin");
        assertEquals("mongodb", e.scheme());
        assertEquals("db.example", e.host());
        assertEquals(27018, e.port());
        assertEquals("app", e.user());
        assertEquals("s3cret", e.password());
        assertEquals(Optional.of("shop"), MongoUrls.database(e));
        assertEquals(Optional.of("orders.2024"), MongoUrls.collection(e));
        assertEquals("authSource=admin", MongoUrls.options(e));
        assertEquals("mongodb://app:s3cret@db.example:27018/shop?authSource=admin", MongoUrls.connectionString(e));
        assertEquals("mongodb://app:***@db.example:27018/shop.orders.2024?authSource=admin", e.toString());
    }

    @Test
    void a_url_without_port_or_path_gets_the_default_port_and_prints_a_trailing_slash() {
        Endpoint e = MongoUrls.parse("mongodb://127.0.0.1");
        assertEquals(27017, e.port());
        assertEquals(Optional.empty(), MongoUrls.database(e));
        assertEquals(Optional.empty(), MongoUrls.collection(e));
        assertEquals("mongodb://127.0.0.1:27017/", e.toString());
        assertEquals("mongodb://127.0.0.1:27017/", MongoUrls.local(27017).toString());
        assertEquals(Optional.of("shop"), MongoUrls.database(MongoUrls.parse("mongodb://h:1/shop")));
    }

    @Test
    void several_hosts_become_seeds() {
        Endpoint e = MongoUrls.parse("mongodb://a:1,b,[::1]:3/db?replicaSet=rs0");
        assertEquals(List.of("a:1", "b:27017", "[::1]:3"), e.seeds());
        assertEquals("mongodb://a:1,b:27017,[::1]:3/db?replicaSet=rs0", MongoUrls.connectionString(e));
    }

    @Test
    void malformed_urls_are_usage_errors_without_the_password() {
        for (String bad : List.of("mongodb://u:pw@host:abc/db", "mongodb://u:pw@host:70000/", "mongodb://u:pw@/db",
                "mongodb+srv://u:pw@cluster0.example/db", "redis://u:pw@host/db", "mongodb://u:pw@h/my$db.c")) {
            CachectlException e = assertThrows(CachectlException.class, () -> MongoUrls.parse(bad), bad);
            assertEquals(2, e.exitCode().code(), bad);
            assertTrue(!e.getMessage().contains("pw@"), e.getMessage());
        }
    }
}
