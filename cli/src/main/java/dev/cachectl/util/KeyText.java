package dev.cachectl.util;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A key (or part of one) as a line of text can show it: as it is when it is UTF-8 without control characters,
 * else between double quotes with every byte outside printable ASCII, a quote and a backslash as {@code \xNN},
 * as {@code redis-cli} quotes a binary key. Two different byte strings never read the same, and a key never
 * spreads over two lines.
 */
public final class KeyText {
    private KeyText() {
    }

    public static String readable(byte[] bytes, int length) {
        return readable(bytes, 0, length);
    }

    /** The {@code length} bytes from {@code offset}. */
    public static String readable(byte[] bytes, int offset, int length) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
            if (text.codePoints().noneMatch(Character::isISOControl) && !text.startsWith("\"")) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // escaped below
        }
        StringBuilder s = new StringBuilder(length + 8).append('"');
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        return s.append('"').toString();
    }

    public static String readable(byte[] bytes) {
        return readable(bytes, bytes.length);
    }

    /**
     * {@link #readable}, cut after {@code most} characters with "…" when longer: for a message that names a key,
     * where a 10 kB key would drown what it says. Not for a list meant to identify keys.
     */
    public static String shortened(byte[] bytes, int offset, int length, int most) {
        String text = readable(bytes, offset, length);
        return text.length() > most ? text.substring(0, most) + "…" : text;
    }

    public static String shortened(byte[] bytes, int most) {
        return shortened(bytes, 0, bytes.length, most);
    }
}
