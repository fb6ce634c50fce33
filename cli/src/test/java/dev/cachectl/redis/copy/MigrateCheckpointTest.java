package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.CachectlException;
import dev.cachectl.migrate.CheckpointFiles;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint is checked field by field and by its checksum before a resume trusts it. */
class MigrateCheckpointTest {
    private static final int KEYS = 30_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** A migrate into a target too small for the keys stops part way and leaves a real checkpoint. */
    private Path interruptedRun() throws Exception {
        home.run("start", "src").assertOk();
        home.run("start", "small", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        Path file = home.workDir().resolve("job.json");
        home.run("migrate", "src", "small", "--reader", "scan", "--threads", "1", "--checkpoint", "job.json").assertExit(1);
        assertTrue(Files.isRegularFile(file), "no checkpoint was saved");
        return file;
    }

    private CliResult resume(String... extra) {
        String[] args = new String[5 + extra.length];
        System.arraycopy(new String[]{"migrate", "src", "small", "--resume", "--checkpoint=job.json"}, 0, args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        return home.run(args);
    }

    private static ObjectNode stream(ObjectNode root) {
        return (ObjectNode) root.get("streams").get(0);
    }

    @Test
    void a_checkpoint_in_a_folder_of_the_users_leaves_the_folder_as_it_was_and_a_new_one_owner_only() throws Exception {
        home.run("start", "src").assertOk();
        home.run("start", "small", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        // a shared folder such as /tmp: writing a checkpoint into it once closed it to everyone else (mode 0700)
        Path shared = Files.createDirectory(home.workDir().resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        home.run("migrate", "src", "small", "--reader", "scan", "--threads", "1", "--checkpoint", "shared/job.json").assertExit(1);
        assertTrue(Files.isRegularFile(shared.resolve("job.json")), "no checkpoint was saved");
        assertEquals(01777, (int) Files.getAttribute(shared, "unix:mode") & 07777, "the folder's mode changed");

        home.run("migrate", "src", "small", "--reader", "scan", "--threads", "1", "--checkpoint", "new/sub/job.json")
                .assertExit(1);
        assertEquals(0700, (int) Files.getAttribute(home.workDir().resolve("new/sub"), "unix:mode") & 07777);
        assertEquals(0700, (int) Files.getAttribute(home.workDir().resolve("new"), "unix:mode") & 07777);
    }

    @Test
    void a_dry_run_refuses_a_checkpoint_path_the_run_could_not_write_as_the_run_does() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", 10);
        Files.writeString(home.workDir().resolve("a-file"), "");
        Files.createDirectory(home.workDir().resolve("a-folder.json"));
        for (String checkpoint : new String[]{"a-file/job.json", "a-folder.json"}) {
            CliResult dry = home.run("migrate", "src", "dst", "--dry-run", "--checkpoint", checkpoint).assertExit(1);
            CliResult real = home.run("migrate", "src", "dst", "--checkpoint", checkpoint).assertExit(1);
            assertTrue(dry.err().startsWith("cachectl: cannot write checkpoint " + home.workDir().resolve(checkpoint)), dry.toString());
            assertEquals(real.err(), dry.err());
        }
        assertEquals("cachectl: cannot write checkpoint " + home.workDir().resolve("a-file/job.json") + ": "
                + home.workDir().resolve("a-file") + " exists and is not a folder", home.run("migrate", "src", "dst",
                "--dry-run", "--checkpoint", "a-file/job.json").err().strip());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(0, dst.dbSize(), "a run whose checkpoint cannot be written copied keys");
        }
    }

    @Test
    void a_checkpoint_that_cannot_be_removed_says_why_as_the_system_does() throws Exception {
        Path file = Files.createDirectory(home.workDir().resolve("job.json")); // a folder that is not empty in its place
        Files.createFile(file.resolve("in-the-way"));
        CachectlException e = assertThrows(CachectlException.class, () -> CheckpointFiles.delete(file));
        assertEquals(1, e.exitCode().code());
        assertEquals("the copy finished, but its checkpoint " + file + " cannot be removed (" + file
                + " is a folder that is not empty): remove it by hand", e.getMessage());
    }

    @Test
    void every_damaged_form_is_refused_with_exit_2_and_what_is_wrong() throws Exception {
        Path file = interruptedRun();
        byte[] original = Files.readAllBytes(file);
        assertNotEquals("0", Json.MAPPER.readTree(original).get("streams").get(0).get("cursor").asText(),
                "the interrupted run should have moved its cursor");
        long keysBefore;
        try (Jedis small = new Jedis("127.0.0.1", home.port("small"))) {
            keysBefore = small.dbSize();
        }
        Map<String, Consumer<ObjectNode>> forms = new LinkedHashMap<>();
        forms.put("marked done, yet its cursor is", root -> stream(root).put("done", true));
        forms.put("cursor \"-5\" is not a SCAN cursor", root -> stream(root).put("cursor", "-5"));
        forms.put("stream 1: cursor is not a string", root -> stream(root).put("cursor", -5));
        forms.put("plan is missing", ObjectNode::removeAll);
        forms.put("streams is missing", root -> root.remove("streams"));
        forms.put("stream 1: cursor is missing", root -> stream(root).putNull("cursor"));
        forms.put("totals is missing", root -> root.putNull("totals"));
        forms.put("cursor \"abc\" is not a SCAN cursor", root -> stream(root).put("cursor", "abc"));
        forms.put("cursor \"18446744073709551616\" is not a SCAN cursor", root -> stream(root).put("cursor", "18446744073709551616"));
        forms.put("totals.copied is -1, not a count", root -> ((ObjectNode) root.get("totals")).put("copied", -1));
        forms.put("checksum does not match", root -> ((ObjectNode) root.get("totals"))
                .put("copied", root.get("totals").get("copied").asLong() + 1));
        forms.put("checksum is missing", root -> root.remove("checksum"));
        for (var form : forms.entrySet()) {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(original);
            form.getValue().accept(root);
            Files.write(file, Json.MAPPER.writeValueAsBytes(root));
            CliResult result = resume();
            assertEquals(2, result.exitCode(), form.getKey() + ": " + result);
            assertTrue(result.err().contains("checkpoint " + file + " is damaged ("), form.getKey() + ": " + result);
            assertTrue(result.err().contains(form.getKey()), form.getKey() + ": " + result);
            assertTrue(result.err().contains("remove it to start over"), result.toString());
            assertFalse(result.err().contains("Exception"), result.toString());
        }
        Files.writeString(file, "{\"plan\": ");
        assertTrue(resume().assertExit(2).err().contains("is damaged (not JSON)"));
        try (Jedis small = new Jedis("127.0.0.1", home.port("small"))) {
            assertEquals(keysBefore, small.dbSize(), "a refused resume wrote to the target");
        }
    }

    @Test
    void a_checkpoint_of_another_job_is_refused_naming_what_differs() throws Exception {
        interruptedRun();
        home.run("start", "other").assertOk();
        CliResult result = home.run("migrate", "src", "other", "--resume", "--checkpoint=job.json").assertExit(2);
        assertTrue(result.err().contains("belongs to another migration (target was redis://127.0.0.1:" + home.port("small")
                + ", now redis://127.0.0.1:" + home.port("other")), result.toString());
        result = resume("--match", "k:1*").assertExit(2);
        assertTrue(result.err().contains("match was [], now [k:1*]"), result.toString());
    }

    @Test
    void dry_run_resume_shows_where_each_stream_goes_on_and_what_is_done() throws Exception {
        Path file = interruptedRun();
        JsonNode saved = Json.MAPPER.readTree(file.toFile());
        String cursor = saved.get("streams").get(0).get("cursor").asText();
        long copied = saved.get("totals").get("copied").asLong();
        assertTrue(copied > 0, saved.toString());
        CliResult text = resume("--dry-run").assertOk();
        assertTrue(text.err().contains(copied + " keys already copied"), text.toString());
        assertTrue(text.err().contains("127.0.0.1:" + home.port("src") + " db 0: continues at SCAN cursor " + cursor),
                text.toString());
        JsonNode json = Json.MAPPER.readTree(resume("--dry-run", "--json").assertOk().out());
        assertTrue(json.get("resumed").asBoolean(), json.toString());
        long left = json.get("scanned").asLong();
        assertTrue(left > 0 && left < KEYS, "a resume reads only what is left: " + json);
        assertEquals(saved, Json.MAPPER.readTree(file.toFile()), "a dry run leaves the checkpoint as it was");
    }
}
