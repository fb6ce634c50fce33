package dev.cachectl.warm.source;

import dev.cachectl.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One line of a JSON Lines file, scanned on first use by {@link JsonScanner}; values are cut from the
 * line as bytes, so a plain string field becomes a Redis value with one copy and no String in between.
 */
final class JsonLineRecord implements SourceRecord {
    private final long line;
    private final byte[] buf;
    private final int off;
    private final int len;
    private int[] slots;
    private int count = -1;

    JsonLineRecord(long line, byte[] buf, int off, int len) {
        this.line = line;
        this.buf = buf;
        this.off = off;
        this.len = len;
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public String field(String name) {
        int slot = find(name);
        if (slot < 0 || slots[slot + 2] == JsonScanner.NULL) {
            return null;
        }
        return value(slot);
    }

    @Override
    public byte[] fieldBytes(String name) {
        return bytes(find(name));
    }

    @Override
    public byte[] fieldBytes(FieldName name) {
        return bytes(find(name));
    }

    @Override
    public Bytes fieldSlice(FieldName name) {
        int slot = find(name);
        if (slot < 0 || slots[slot + 2] == JsonScanner.NULL) {
            return null;
        }
        if ((slots[slot + 5] & 2) != 0) {
            return Bytes.of(value(slot).getBytes(StandardCharsets.UTF_8));
        }
        return new Bytes(buf, slots[slot + 3], slots[slot + 4] - slots[slot + 3]);
    }

    private byte[] bytes(int slot) {
        if (slot < 0 || slots[slot + 2] == JsonScanner.NULL) {
            return null;
        }
        if ((slots[slot + 5] & 2) != 0) {
            return value(slot).getBytes(StandardCharsets.UTF_8);
        }
        return Arrays.copyOfRange(buf, slots[slot + 3], slots[slot + 4]);
    }

    /**
     * Each field once, in order, with the value of its last occurrence when a name is repeated ({@link #find} reads
     * fields the same way): {@code {"a":1,"a":null}} has no field {@code a}, as a JSON parser would read it.
     */
    @Override
    public void forEachField(FieldVisitor visitor) {
        scan();
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = name(i * JsonScanner.SLOT);
        }
        boolean[] repeatedLater = repeatedLater(names);
        for (int i = 0; i < count; i++) {
            int slot = i * JsonScanner.SLOT;
            if (!repeatedLater[i] && slots[slot + 2] != JsonScanner.NULL) {
                visitor.field(names[i], value(slot));
            }
        }
    }

    /** For each name, whether it comes again further on: pairwise for the few fields most records have. */
    private static boolean[] repeatedLater(String[] names) {
        boolean[] later = new boolean[names.length];
        if (names.length <= 16) {
            for (int i = 0; i < names.length; i++) {
                for (int j = i + 1; j < names.length && !later[i]; j++) {
                    later[i] = names[i].equals(names[j]);
                }
            }
            return later;
        }
        Set<String> seen = new HashSet<>();
        for (int i = names.length - 1; i >= 0; i--) {
            later[i] = !seen.add(names[i]);
        }
        return later;
    }

    @Override
    public byte[] json() {
        scan();
        return Arrays.copyOfRange(buf, off, off + len);
    }

    @Override
    public int size() {
        return len + 1;
    }

    private void scan() {
        if (count >= 0) {
            return;
        }
        JsonScanner s = new JsonScanner(buf, off, len);
        s.scan();
        slots = s.slots;
        count = s.count;
    }

    /** The slot of the last field with this name (JSON parsers commonly let a repeated name win last), or -1. */
    private int find(String name) {
        scan();
        for (int i = count - 1; i >= 0; i--) {
            int slot = i * JsonScanner.SLOT;
            if (nameEquals(slot, name)) {
                return slot;
            }
        }
        return -1;
    }

    /** {@link #find(String)} comparing bytes: a name written with escapes is compared as text. */
    private int find(FieldName name) {
        scan();
        byte[] wanted = name.utf8();
        for (int i = count - 1; i >= 0; i--) {
            int slot = i * JsonScanner.SLOT;
            boolean equal = (slots[slot + 5] & 1) == 0
                    ? bytesEqual(slots[slot], slots[slot + 1], wanted)
                    : name(slot).equals(name.text());
            if (equal) {
                return slot;
            }
        }
        return -1;
    }

    /** Arrays.equals on a range, without its range checks: a field name is a few bytes. */
    private boolean bytesEqual(int from, int to, byte[] wanted) {
        if (to - from != wanted.length) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (buf[from + i] != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean nameEquals(int slot, String name) {
        int from = slots[slot];
        int n = slots[slot + 1] - from;
        if ((slots[slot + 5] & 1) == 0 && isAscii(name)) {
            if (n != name.length()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (buf[from + i] != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return name(slot).equals(name);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private String name(int slot) {
        return text(slots[slot], slots[slot + 1], (slots[slot + 5] & 1) != 0);
    }

    private String value(int slot) {
        return text(slots[slot + 3], slots[slot + 4], slots[slot + 2] == JsonScanner.STRING && (slots[slot + 5] & 2) != 0);
    }

    private String text(int from, int to, boolean escaped) {
        if (!escaped) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder s = new StringBuilder(to - from);
        int run = from;
        int i = from;
        while (i < to) {
            if (buf[i] != '\\') {
                i++;
                continue;
            }
            s.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
            byte e = buf[i + 1];
            switch (e) {
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append((char) Integer.parseInt(new String(buf, i + 2, 4, StandardCharsets.US_ASCII), 16));
                default -> s.append((char) e);
            }
            i += e == 'u' ? 6 : 2;
            run = i;
        }
        return s.append(new String(buf, run, to - run, StandardCharsets.UTF_8)).toString();
    }
}
