package dev.cachectl.migrate;

import dev.cachectl.util.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The orchestrator's checkpoint format across versions: what an older cachectl wrote still resumes. */
class UnitCheckpointTest {
    private static final String PLAN = "a".repeat(64);
    private static final List<String> JOB = List.of("source mongodb://127.0.0.1:1/", "target mongodb://127.0.0.1:2/");
    private static final String TOKEN = "{\"$numberInt\": \"7\"}";

    @TempDir
    Path dir;

    @Test
    void a_checkpoint_without_counts_of_an_older_cachectl_reads_with_its_counts_unknown() throws IOException {
        // as an older cachectl checksummed it: each unit as its record printed, without the count it did not keep
        String checksum = Hashes.sha256(PLAN + "\n" + JOB + "\n" + "Unit[unit=shop.users, token=" + TOKEN + ", done=false]\n"
                + "Totals[copied=8, skippedExisting=0, failed=0, bytes=80]");
        Path old = dir.resolve("old.json");
        Files.writeString(old, "{\"plan\": \"" + PLAN + "\", \"job\": [\"" + JOB.get(0) + "\", \"" + JOB.get(1) + "\"],"
                + " \"units\": [{\"unit\": \"shop.users\", \"token\": \"{\\\"$numberInt\\\": \\\"7\\\"}\", \"done\": false}],"
                + " \"totals\": {\"copied\": 8, \"skipped_existing\": 0, \"failed\": 0, \"bytes\": 80},"
                + " \"checksum\": \"" + checksum + "\"}");
        UnitCheckpoint read = UnitCheckpoint.read(old, t -> true);
        assertEquals(List.of(new UnitCheckpoint.Unit("shop.users", TOKEN, false, -1)), read.units());

        Path now = dir.resolve("now.json");
        UnitCheckpoint.of(PLAN, JOB, List.of(new UnitCheckpoint.Unit("shop.users", TOKEN, false, 8)), read.totals()).write(now);
        assertEquals(8, UnitCheckpoint.read(now, t -> true).units().get(0).written());
    }
}
