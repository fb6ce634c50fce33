package dev.cachectl.migrate;

import dev.cachectl.util.Hashes;
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
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The checkpoint of a {@link CopyRun}: per unit the resume token below which (inclusive) every item
 * is acknowledged by the target, and whether the unit is done. {@code plan} fingerprints the job and
 * {@code job} spells it out; {@code checksum} covers the rest, so a torn or hand-edited file is refused
 * ("damaged", exit 2) like a Redis migrate checkpoint ({@link CheckpointFile}), never trusted.
 */
public record UnitCheckpoint(String plan, List<String> job, List<Unit> units, Totals totals, String checksum) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /**
     * {@code token} is empty when nothing of the unit is acknowledged yet; {@code written}: how many of its items up
     * to the token the target holds (copied, or found there), -1 when unknown (a checkpoint of an older cachectl).
     */
    public record Unit(String unit, String token, boolean done, long written) {
        public Unit(String unit, String token, boolean done) {
            this(unit, token, done, -1);
        }

        /** What the checksum covers: as before {@code written} was kept when it is unknown, so older checkpoints still match. */
        String checksummed() {
            String before = "Unit[unit=" + unit + ", token=" + token + ", done=" + done;
            return written < 0 ? before + "]" : before + ", written=" + written + "]";
        }
    }

    record Totals(long copied, long skippedExisting, long failed, long bytes) {
    }

    static UnitCheckpoint of(String plan, List<String> job, List<Unit> units, Totals totals) {
        return new UnitCheckpoint(plan, job, units, totals, checksum(plan, job, units, totals));
    }

    static String checksum(String plan, List<String> job, List<Unit> units, Totals totals) {
        StringBuilder text = new StringBuilder(plan).append('\n').append(job).append('\n');
        units.forEach(u -> text.append(u.checksummed()).append('\n'));
        text.append(totals);
        return Hashes.sha256(text.toString());
    }

    static UnitCheckpoint read(Path file, Predicate<String> validToken) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw CheckpointFiles.damaged(file, "not JSON");
        } catch (IOException e) {
            throw CheckpointFiles.damaged(file, "it cannot be read");
        }
        Fields f = new Fields(file);
        if (root == null || !root.isObject()) {
            throw CheckpointFiles.damaged(file, "not a JSON object");
        }
        String plan = f.text(root, "plan", "");
        if (!HEX64.matcher(plan).matches()) {
            throw CheckpointFiles.damaged(file, "plan is not a job fingerprint");
        }
        List<String> job = new ArrayList<>();
        for (JsonNode line : f.list(root, "job", "")) {
            job.add(f.text(line, "job line"));
        }
        List<Unit> units = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonNode unitsNode = f.list(root, "units", "");
        for (int i = 0; i < unitsNode.size(); i++) {
            String at = "unit " + (i + 1) + ": ";
            JsonNode u = unitsNode.get(i);
            if (!u.isObject()) {
                throw CheckpointFiles.damaged(file, at + "not an object");
            }
            String name = f.text(u, "unit", at);
            String token = f.text(u, "token", at);
            JsonNode done = u.get("done");
            if (name.isEmpty() || !seen.add(name)) {
                throw CheckpointFiles.damaged(file, at + (name.isEmpty() ? "its name is empty" : name + " is listed twice"));
            }
            if (!token.isEmpty() && !validToken.test(token)) {
                throw CheckpointFiles.damaged(file, at + "token " + token + " is not a resume position");
            }
            if (done == null || !done.isBoolean()) {
                throw CheckpointFiles.damaged(file, at + "done is not true or false");
            }
            units.add(new Unit(name, token, done.booleanValue(), f.written(u, at)));
        }
        JsonNode t = root.get("totals");
        if (t == null || !t.isObject()) {
            throw CheckpointFiles.damaged(file, "totals is missing");
        }
        Totals totals = new Totals(f.count(t, "copied"), f.count(t, "skipped_existing"), f.count(t, "failed"), f.count(t, "bytes"));
        String checksum = f.text(root, "checksum", "");
        if (!checksum.equals(checksum(plan, job, units, totals))) {
            throw CheckpointFiles.damaged(file, "its checksum does not match its contents: it was edited or only partly written");
        }
        return new UnitCheckpoint(plan, List.copyOf(job), List.copyOf(units), totals, checksum);
    }

    void write(Path file) {
        CheckpointFiles.write(file, this);
    }

    /** Field readers that turn anything unexpected into "damaged". */
    private record Fields(Path file) {
        String text(JsonNode parent, String field, String at) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isTextual()) {
                throw CheckpointFiles.damaged(file, at + field + " is " + (v == null || v.isNull() ? "missing" : "not a string"));
            }
            return v.textValue();
        }

        String text(JsonNode v, String what) {
            if (!v.isTextual()) {
                throw CheckpointFiles.damaged(file, what + " is not a string");
            }
            return v.textValue();
        }

        JsonNode list(JsonNode parent, String field, String at) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isArray()) {
                throw CheckpointFiles.damaged(file, at + field + " is " + (v == null || v.isNull() ? "missing" : "not a list"));
            }
            return v;
        }

        /** A unit's {@code written}: -1 (unknown) when it is missing, as in a checkpoint of an older cachectl. */
        long written(JsonNode unit, String at) {
            JsonNode v = unit.get("written");
            if (v == null) {
                return -1;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < -1) {
                throw CheckpointFiles.damaged(file, at + "written is " + v + ", not a count");
            }
            return v.longValue();
        }

        long count(JsonNode parent, String field) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw CheckpointFiles.damaged(file, "totals." + field + " is " + (v == null ? "missing" : v + ", not a count"));
            }
            return v.longValue();
        }
    }
}
