import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * load URL N: N documents of about 300 bytes with mixed types into bench.docs.
 * copy SRC DST: the plain copy a user would write: one thread, find with batch size 1000, insertMany of 1000.
 * count URL: documents in bench.docs.
 * kv URL CLIENTS REQUESTS SETS GETS KEYS SIZE: the key-value loop a user would write to measure what cachectl bench
 *   measures: KEYS documents {_id: "bench:N", v: SIZE bytes} in bench_plain.kv (written first, in bulk), then
 *   CLIENTS threads sharing REQUESTS operations, each a replaceOne with upsert (SETS in SETS+GETS) or a find by
 *   _id on a uniform key; prints the operations per second of that part.
 */
public class MongoBench {
    public static void main(String[] args) {
        switch (args[0]) {
            case "load" -> load(args[1], Integer.parseInt(args[2]));
            case "copy" -> copy(args[1], args[2]);
            case "count" -> {
                try (MongoClient c = MongoClients.create(args[1])) {
                    System.out.println(c.getDatabase("bench").getCollection("docs").countDocuments());
                }
            }
            case "kv" -> kv(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void load(String url, int n) {
        try (MongoClient c = MongoClients.create(url)) {
            MongoCollection<Document> docs = c.getDatabase("bench").getCollection("docs");
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new Document("_id", new ObjectId())
                        .append("name", "user-" + i)
                        .append("email", "user" + i + "@example.com")
                        .append("age", i % 90)
                        .append("score", (long) i * 31)
                        .append("ratio", i / 7.0)
                        .append("price", new Decimal128(new BigDecimal(i + ".99")))
                        .append("created", new Date(1_700_000_000_000L + i * 1000L))
                        .append("active", i % 2 == 0)
                        .append("tags", List.of("a" + i % 10, "b" + i % 100, "c"))
                        .append("address", new Document("street", i + " Long Street").append("city", "City " + i % 50)
                                .append("zip", String.format("%05d", i % 100000)))
                        .append("blob", new Binary(new byte[48]))
                        .append("note", "x".repeat(40)));
                if (batch.size() == 1000) {
                    docs.insertMany(batch, new InsertManyOptions().ordered(false));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                docs.insertMany(batch);
            }
        }
    }

    static void kv(String url, int clients, int requests, int sets, int gets, int keys, int size) {
        var settings = com.mongodb.MongoClientSettings.builder().applyConnectionString(new com.mongodb.ConnectionString(url))
                .applyToConnectionPoolSettings(b -> b.maxSize(clients)).build();
        try (MongoClient c = MongoClients.create(settings)) {
            MongoCollection<Document> kv = c.getDatabase("bench_plain").getCollection("kv");
            kv.drop();
            String format = "bench:%0" + Integer.toString(Math.max(0, keys - 1)).length() + "d";
            byte[] value = new byte[size];
            java.util.Arrays.fill(value, (byte) 'x');
            List<com.mongodb.client.model.WriteModel<Document>> batch = new ArrayList<>();
            var upsert = new com.mongodb.client.model.ReplaceOptions().upsert(true);
            for (int i = 0; i < keys; i++) {
                String id = String.format(format, i);
                batch.add(new com.mongodb.client.model.ReplaceOneModel<>(new Document("_id", id),
                        new Document("_id", id).append("v", new Binary(value)), upsert));
                if (batch.size() == 1000 || i == keys - 1) {
                    kv.bulkWrite(batch);
                    batch.clear();
                }
            }
            List<Thread> threads = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < clients; t++) {
                int share = requests / clients + (t < requests % clients ? 1 : 0);
                Thread thread = new Thread(() -> {
                    var random = java.util.concurrent.ThreadLocalRandom.current();
                    for (int i = 0; i < share; i++) {
                        String id = String.format(format, random.nextInt(keys));
                        if (random.nextInt(sets + gets) < sets) {
                            kv.replaceOne(new Document("_id", id), new Document("_id", id).append("v", new Binary(value)), upsert);
                        } else {
                            kv.find(new Document("_id", id)).first();
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println(Math.round(requests / seconds));
            kv.drop();
        }
    }

    static void copy(String from, String to) {
        try (MongoClient src = MongoClients.create(from); MongoClient dst = MongoClients.create(to)) {
            MongoCollection<Document> out = dst.getDatabase("bench").getCollection("docs");
            List<Document> batch = new ArrayList<>(1000);
            try (MongoCursor<Document> cursor = src.getDatabase("bench").getCollection("docs").find().batchSize(1000).iterator()) {
                while (cursor.hasNext()) {
                    batch.add(cursor.next());
                    if (batch.size() == 1000) {
                        out.insertMany(batch);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                out.insertMany(batch);
            }
        }
    }
}
