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
