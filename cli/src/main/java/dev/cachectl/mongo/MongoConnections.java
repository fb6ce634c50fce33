package dev.cachectl.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Short-lived driver clients for cachectl's own requests (hello, shutdown, status), with deadlines. */
final class MongoConnections {
    private MongoConnections() {
    }

    static MongoClient open(Endpoint endpoint, Duration timeout) {
        long ms = Math.max(50, timeout.toMillis());
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MongoUrls.connectionString(endpoint)))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) ms, TimeUnit.MILLISECONDS).readTimeout((int) Math.max(ms, 2000), TimeUnit.MILLISECONDS))
                .applicationName("cachectl")
                .build();
        return MongoClients.create(settings);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Loads the driver's classes in the background, once, while a server being started is not listening yet:
     * the first hello then does not pay for them after the server is up.
     */
    static void warmUp(Endpoint endpoint) {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        Thread warm = new Thread(() -> {
            try (MongoClient client = open(endpoint, Duration.ofMillis(50))) {
                new org.bson.Document("hello", 1).toBsonDocument();
                client.getDatabase("admin");
            } catch (RuntimeException ignored) {
                // only classes were wanted
            }
        }, "mongo-driver-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /** True for what means "nothing answers (yet)": refused, timed out, closed. */
    static boolean unreachable(MongoException e) {
        return e instanceof MongoTimeoutException || e instanceof MongoSocketException;
    }

    /** A one-line error for a server that answered but refused, or did not answer. */
    static CachectlException translate(Endpoint endpoint, MongoException e) {
        if (unreachable(e)) {
            return new CachectlException(ExitCode.DOWN, endpoint + " does not answer", e);
        }
        if (e instanceof MongoSecurityException) {
            return new CachectlException(ExitCode.USAGE, endpoint + ": authentication failed: check the user and password in the URL", e);
        }
        String why = e instanceof MongoCommandException c ? c.getErrorMessage() : "the request failed";
        return new CachectlException(ExitCode.FAILED, endpoint + ": " + why, e);
    }
}
