package dev.cachectl.util;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SwarTest {

    @Test
    void index_of_finds_the_first_match_at_every_offset_and_alignment_as_a_byte_loop_does() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            // few matches, sometimes none, and bytes that differ from the target in one bit or by a borrow
            byte target = (byte) random.nextInt(256);
            for (int i = 0; i < b.length; i++) {
                if (b[i] == target) {
                    b[i] ^= 1;
                }
            }
            int matches = random.nextInt(3);
            for (int m = 0; m < matches && b.length > 0; m++) {
                b[random.nextInt(b.length)] = target;
            }
            for (int from = 0; from <= b.length; from++) {
                for (int to = from; to <= b.length; to++) {
                    assertEquals(naive(b, from, to, target), Swar.indexOf(b, from, to, target),
                            "target " + target + " in [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void the_first_flag_of_each_test_is_exact_even_when_a_borrow_flags_the_bytes_after_it() {
        // a 0x01 after a match is flagged by the borrow of equal(); only the first flag may be trusted
        byte[] b = {'a', 'b', '"', 0x01 ^ '"', 'c', 'd', 'e', 'f'};
        assertEquals(2, Swar.first(Swar.equal(Swar.word(b, 0), Swar.broadcast('"'))));
        byte[] controls = {0x20, 0x7f, (byte) 0x80, (byte) 0x9f, (byte) 0xff, 0x1f, 0x00, 0x20};
        assertEquals(5, Swar.first(Swar.below(Swar.word(controls, 0), Swar.broadcast(0x20))),
                "bytes of 0x80 and above (UTF-8) are not below 0x20");
        byte[] plain = {0x20, 0x7f, (byte) 0x80, (byte) 0xa0, (byte) 0xff, 'x', '!', '#'};
        assertEquals(0, Swar.below(Swar.word(plain, 0), Swar.broadcast(0x20)));
        assertEquals(0, Swar.equal(Swar.word(plain, 0), Swar.broadcast('"')));
    }

    private static int naive(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
