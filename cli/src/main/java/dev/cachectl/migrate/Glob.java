package dev.cachectl.migrate;

/**
 * Redis glob patterns ({@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, {@code \} escapes), matched on
 * raw key bytes the way the server's MATCH does, so a client-side filter agrees with SCAN MATCH.
 */
public final class Glob {
    private final byte[] pattern;

    private Glob(byte[] pattern) {
        this.pattern = pattern;
    }

    public static Glob of(String pattern) {
        return new Glob(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public boolean matches(byte[] key) {
        return match(0, key, 0);
    }

    private boolean match(int p, byte[] s, int i) {
        while (p < pattern.length) {
            byte c = pattern[p];
            switch (c) {
                case '*' -> {
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    for (int k = i; k <= s.length; k++) {
                        if (match(p + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    i++;
                    p++;
                }
                case '[' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    int q = p + 1;
                    boolean not = q < pattern.length && pattern[q] == '^';
                    if (not) {
                        q++;
                    }
                    boolean found = false;
                    while (q < pattern.length && pattern[q] != ']') {
                        if (pattern[q] == '\\' && q + 1 < pattern.length) {
                            q++;
                            found |= pattern[q] == s[i];
                        } else if (q + 2 < pattern.length && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
                            int lo = pattern[q] & 0xff;
                            int hi = pattern[q + 2] & 0xff;
                            int v = s[i] & 0xff;
                            found |= lo <= hi ? v >= lo && v <= hi : v >= hi && v <= lo;
                            q += 2;
                        } else {
                            found |= pattern[q] == s[i];
                        }
                        q++;
                    }
                    if (found == not) {
                        return false;
                    }
                    i++;
                    p = q + 1;
                }
                case '\\' -> {
                    if (p + 1 < pattern.length) {
                        p++;
                    }
                    if (i >= s.length || pattern[p] != s[i]) {
                        return false;
                    }
                    i++;
                    p++;
                }
                default -> {
                    if (i >= s.length || c != s[i]) {
                        return false;
                    }
                    i++;
                    p++;
                }
            }
        }
        return i == s.length;
    }
}
