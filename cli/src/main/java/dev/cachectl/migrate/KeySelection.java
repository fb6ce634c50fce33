package dev.cachectl.migrate;

import java.util.List;
import java.util.Set;

/**
 * Which keys a migration copies and under which names: include globs (any may match; none means
 * all), exclude globs, types, and a prefix rewrite. A single include glob and a single type are
 * also pushed down into SCAN's MATCH and TYPE so the server filters before sending.
 */
public record KeySelection(List<String> match, List<String> exclude, Set<String> types, byte[] fromPrefix, byte[] toPrefix) {

    public Matcher matcher() {
        return new Matcher(match.stream().map(Glob::of).toList(), exclude.stream().map(Glob::of).toList());
    }

    /** The MATCH argument for SCAN, or null. */
    public String scanMatch() {
        return match.size() == 1 ? match.get(0) : null;
    }

    /** The TYPE argument for SCAN, or null. */
    public String scanType() {
        return types.size() == 1 ? types.iterator().next() : null;
    }

    public byte[] rename(byte[] key) {
        if (fromPrefix == null || !startsWith(key, fromPrefix)) {
            return key;
        }
        byte[] renamed = new byte[toPrefix.length + key.length - fromPrefix.length];
        System.arraycopy(toPrefix, 0, renamed, 0, toPrefix.length);
        System.arraycopy(key, fromPrefix.length, renamed, toPrefix.length, key.length - fromPrefix.length);
        return renamed;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    public record Matcher(List<Glob> include, List<Glob> exclude) {
        public boolean test(byte[] key) {
            if (!include.isEmpty() && include.stream().noneMatch(g -> g.matches(key))) {
                return false;
            }
            return exclude.isEmpty() || exclude.stream().noneMatch(g -> g.matches(key));
        }
    }
}
