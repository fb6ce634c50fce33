package dev.cachectl.redis.resp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RespWriterTest {

    @Test
    void numbers_are_written_in_decimal_on_both_sides_of_the_fast_range() throws IOException {
        RespWriter writer = new RespWriter();
        for (long n = 0; n < 200_000; n++) {
            assertEncodes(writer, n);
        }
        for (long n : new long[] {999_999, 1_000_000, 2_147_483_647L, 2_147_483_648L, 86_400_000L * 365 * 100, Long.MAX_VALUE}) {
            assertEncodes(writer, n);
        }
    }

    @Test
    void a_command_is_its_parts_counted_and_each_part_with_its_length() throws IOException {
        RespWriter writer = new RespWriter();
        writer.array(3);
        writer.bulk("SET".getBytes(StandardCharsets.UTF_8));
        writer.bulk(new byte[0]);
        writer.bulk(new byte[70_000]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$70000\r\n", text.substring(0, text.length() - 70_002));
        assertEquals(70_000 + "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$70000\r\n\r\n".length(), text.length());
    }

    private static void assertEncodes(RespWriter writer, long n) throws IOException {
        writer.reset();
        writer.bulk(n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        String digits = Long.toString(n);
        assertEquals("$" + digits.length() + "\r\n" + digits + "\r\n", out.toString(StandardCharsets.US_ASCII));
    }
}
