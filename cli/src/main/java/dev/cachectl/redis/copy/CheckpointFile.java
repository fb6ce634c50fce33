package dev.cachectl.redis.copy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.CachectlException;
import dev.cachectl.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a checkpoint field by field and trusts none of it: every field must be present and of its
 * kind, cursors must be what Redis SCAN returns (an unsigned 64-bit decimal), a stream marked done
 * must have cursor 0, totals must not be negative, and the checksum must match. Anything else is
 * exit 2, "checkpoint FILE is damaged (what); remove it to start over". Read once per resume, so
 * databind's tree is fine here.
 */
final class CheckpointFile {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CURSOR = Pattern.compile("0|[1-9][0-9]{0,19}");

    private final Path file;

    private CheckpointFile(Path file) {
        this.file = file;
    }

    static Checkpoint read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw Checkpoint.damaged(file, "it cannot be read");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw Checkpoint.damaged(file, "not JSON");
        } catch (IOException e) {
            throw Checkpoint.damaged(file, "unreadable");
        }
        return new CheckpointFile(file).checkpoint(root);
    }

    private Checkpoint checkpoint(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw damaged("not a JSON object");
        }
        String plan = text(root, "plan", "");
        if (!HEX64.matcher(plan).matches()) {
            throw damaged("plan is not a job fingerprint");
        }
        Checkpoint.Job job = job(object(root, "job", ""));
        JsonNode streamsNode = root.get("streams");
        if (streamsNode == null || !streamsNode.isArray()) {
            throw damaged(streamsNode == null || streamsNode.isNull() ? "streams is missing" : "streams is not a list");
        }
        List<Checkpoint.Stream> streams = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < streamsNode.size(); i++) {
            Checkpoint.Stream s = stream(streamsNode.get(i), "stream " + (i + 1) + ": ");
            if (!seen.add(s.node() + "/" + s.db())) {
                throw damaged("stream " + (i + 1) + ": " + s.node() + " db " + s.db() + " is listed twice");
            }
            streams.add(s);
        }
        List<Checkpoint.Live> live = new ArrayList<>();
        JsonNode liveNode = root.get("live");
        if (liveNode != null && !liveNode.isNull()) {
            // absent from checkpoints of runs without --live and of cachectl before it
            if (!liveNode.isArray()) {
                throw damaged("live is not a list");
            }
            for (int i = 0; i < liveNode.size(); i++) {
                live.add(live(liveNode.get(i), "live " + (i + 1) + ": "));
            }
        }
        List<Checkpoint.TargetNode> targets = new ArrayList<>();
        JsonNode targetsNode = root.get("targets");
        if (targetsNode != null && !targetsNode.isNull()) {
            // absent from checkpoints of cachectl before it: such a resume cannot tell whether the target restarted
            if (!targetsNode.isArray()) {
                throw damaged("targets is not a list");
            }
            for (int i = 0; i < targetsNode.size(); i++) {
                targets.add(target(targetsNode.get(i), "target " + (i + 1) + ": "));
            }
        }
        JsonNode t = object(root, "totals", "");
        Counters.Snapshot totals = new Counters.Snapshot(count(t, "scanned", "totals."), count(t, "copied", "totals."),
                count(t, "skipped_existing", "totals."), count(t, "expired", "totals."), count(t, "failed", "totals."),
                count(t, "bytes", "totals."));
        String checksum = text(root, "checksum", "");
        if (!checksum.equals(Checkpoint.checksum(plan, job, streams, live, targets, totals))) {
            throw damaged("its checksum does not match its contents: it was edited or only partly written");
        }
        return new Checkpoint(plan, job, streams, live, targets, totals, checksum);
    }

    private Checkpoint.TargetNode target(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw damaged(at + "not an object");
        }
        String node = text(n, "node", at);
        String runId = text(n, "run_id", at);
        if (node.isEmpty() || runId.isEmpty()) {
            throw damaged(at + (node.isEmpty() ? "node is empty" : "run_id is empty"));
        }
        return new Checkpoint.TargetNode(node, runId);
    }

    private Checkpoint.Live live(JsonNode l, String at) {
        if (l == null || !l.isObject()) {
            throw damaged(at + "not an object");
        }
        String node = text(l, "node", at);
        String id = text(l, "replication_id", at);
        if (node.isEmpty() || !id.matches("[0-9a-f]{40}")) {
            throw damaged(at + (node.isEmpty() ? "node is empty" : "replication_id is not a replication id"));
        }
        long offset = count(l, "offset", at);
        JsonNode db = l.get("db");
        if (db == null || !db.isIntegralNumber() || db.longValue() < -1 || db.longValue() > Integer.MAX_VALUE) {
            throw damaged(at + "db is " + (db == null ? "missing" : db + ", not a db number"));
        }
        return new Checkpoint.Live(node, id, offset, db.intValue());
    }

    private Checkpoint.Job job(JsonNode j) {
        String at = "job.";
        return new Checkpoint.Job(text(j, "source", at), text(j, "target", at), text(j, "dbs", at), text(j, "db_map", at),
                text(j, "match", at), text(j, "exclude", at), text(j, "types", at), text(j, "rename", at), text(j, "reader", at));
    }

    private Checkpoint.Stream stream(JsonNode s, String at) {
        if (s == null || !s.isObject()) {
            throw damaged(at + "not an object");
        }
        String node = text(s, "node", at);
        long db = count(s, "db", at);
        if (node.isEmpty() || db > Integer.MAX_VALUE) {
            throw damaged(at + (node.isEmpty() ? "node is empty" : "db " + db + " is not a db number"));
        }
        String runId = text(s, "run_id", at);
        if (runId.isEmpty()) {
            throw damaged(at + "run_id is empty");
        }
        String cursor = text(s, "cursor", at);
        if (!CURSOR.matcher(cursor).matches() || !unsigned64(cursor)) {
            throw damaged(at + "cursor \"" + cursor + "\" is not a SCAN cursor (an unsigned 64-bit number)");
        }
        JsonNode done = s.get("done");
        if (done == null || !done.isBoolean()) {
            throw damaged(at + "done is " + (done == null || done.isNull() ? "missing" : "not true or false"));
        }
        if (done.booleanValue() && !cursor.equals("0")) {
            throw damaged(at + "marked done, yet its cursor is " + cursor);
        }
        return new Checkpoint.Stream(node, (int) db, runId, cursor, done.booleanValue());
    }

    private static boolean unsigned64(String cursor) {
        try {
            Long.parseUnsignedLong(cursor);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private JsonNode object(JsonNode parent, String field, String at) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isObject()) {
            throw damaged(at + field + " is " + (v == null || v.isNull() ? "missing" : "not an object"));
        }
        return v;
    }

    private String text(JsonNode parent, String field, String at) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual()) {
            throw damaged(at + field + " is " + (v == null || v.isNull() ? "missing" : "not a string"));
        }
        return v.textValue();
    }

    private long count(JsonNode parent, String field, String at) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw damaged(at + field + " is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw damaged(at + field + " is " + v + ", not a count");
        }
        return v.longValue();
    }

    private CachectlException damaged(String what) {
        return Checkpoint.damaged(file, what);
    }
}
