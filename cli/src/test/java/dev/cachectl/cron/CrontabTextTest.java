package dev.cachectl.cron;

import dev.cachectl.CachectlException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The splice of cachectl's block into a crontab, on text alone. */
class CrontabTextTest {
    private static final String BEGIN = "# BEGIN cachectl /srv/cachectl.yaml";
    private static final String END = "# END cachectl /srv/cachectl.yaml";

    @Test
    void blocks_of_the_same_config_become_one_where_the_first_was_and_other_configs_blocks_stay() {
        String crontab = "A\n" + BEGIN + "\nold 1\n" + END + "\nB\n# BEGIN cachectl /other.yaml\nx\n# END cachectl /other.yaml\n"
                + BEGIN + "\nold 2\n" + END + "\nC\n";
        String after = text(CrontabText.with(bytes(crontab), BEGIN, END, List.of(BEGIN, "new", END)));
        assertEquals("A\n" + BEGIN + "\nnew\n" + END + "\nB\n# BEGIN cachectl /other.yaml\nx\n# END cachectl /other.yaml\nC\n", after);
        assertEquals("A\nB\n# BEGIN cachectl /other.yaml\nx\n# END cachectl /other.yaml\nC\n",
                text(CrontabText.with(bytes(crontab), BEGIN, END, List.of())));
    }

    @Test
    void a_block_without_its_end_line_is_left_for_the_user_to_mend() {
        CachectlException e = assertThrows(CachectlException.class,
                () -> CrontabText.with(bytes("A\n" + BEGIN + "\nold\nB\n"), BEGIN, END, List.of(BEGIN, "new", END)));
        assertEquals(1, e.exitCode().code());
        assertTrue(e.getMessage().contains("but not its '" + END + "'"), e.getMessage());
    }

    @Test
    void an_empty_crontab_gets_just_the_block() {
        assertEquals(BEGIN + "\nnew\n" + END + "\n", text(CrontabText.with(new byte[0], BEGIN, END, List.of(BEGIN, "new", END))));
        assertEquals("", text(CrontabText.with(new byte[0], BEGIN, END, List.of())));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
