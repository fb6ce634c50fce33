package dev.cachectl.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a local Redis Cluster, written {@code MASTERS[xREPLICAS]}: {@code 3} is three masters,
 * {@code 3x1} three masters with one replica each (six nodes).
 */
public record ClusterShape(int masters, int replicas) {
    public static final int MAX_REPLICAS = 5;
    /** Every master needs at least one of the 16384 hash slots. */
    public static final int MAX_MASTERS = 16384;
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})(?:[xX](\\d{1,6}))?");

    public ClusterShape {
        if (masters < 1 || masters > MAX_MASTERS) {
            throw new IllegalArgumentException("a cluster needs 1 to " + MAX_MASTERS + " masters, not " + masters);
        }
        if (replicas < 0 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("a master can have 0 to " + MAX_REPLICAS + " replicas, not " + replicas);
        }
    }

    /** Parses {@code 3} or {@code 3x1}; the message of the exception says what is wrong. */
    public static ClusterShape parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a cluster shape: use MASTERS or MASTERSxREPLICAS, e.g. 3 or 3x1");
        }
        return new ClusterShape(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    public int nodes() {
        return masters * (1 + replicas);
    }

    /** The master a node replicates (round robin over the masters), or -1 for a master; nodes are numbered from 0, masters first. */
    public int masterOf(int node) {
        return node < masters ? -1 : (node - masters) % masters;
    }

    @Override
    public String toString() {
        return replicas == 0 ? Integer.toString(masters) : masters + "x" + replicas;
    }
}
