package dev.cachectl.util;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name checks say what the regular expressions they replace said, for instances and for warm's locks. */
class NamesTest {
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern LOCK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String ALPHABET = "az09AZ_-.!: é\u0000";

    @Test
    void the_edges() {
        assertTrue(Names.valid("a", 63, false, "_-"));
        assertTrue(Names.valid("0-cache_1", 63, false, "_-"));
        assertTrue(Names.valid("c".repeat(63), 63, false, "_-"));
        assertFalse(Names.valid("c".repeat(64), 63, false, "_-"));
        assertFalse(Names.valid("", 63, false, "_-"));
        assertFalse(Names.valid("-a", 63, false, "_-"));
        assertFalse(Names.valid("Cache", 63, false, "_-"));
        assertFalse(Names.valid("a.b", 63, false, "_-"));
        assertTrue(Names.valid("Nightly.Job-1", 100, true, "._-"));
        assertFalse(Names.valid(".hidden", 100, true, "._-"));
    }

    @Test
    void random_names_get_the_same_answer_as_the_patterns() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(4) == 0 ? 60 + random.nextInt(45) : random.nextInt(6);
            for (int j = 0; j < length; j++) {
                name.append(j > 0 && random.nextInt(3) > 0 ? 'x' : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String s = name.toString();
            assertEquals(INSTANCE.matcher(s).matches(), Names.valid(s, 63, false, "_-"), s);
            assertEquals(LOCK.matcher(s).matches(), Names.valid(s, 100, true, "._-"), s);
        }
    }
}
