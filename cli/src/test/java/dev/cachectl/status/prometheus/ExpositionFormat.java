package dev.cachectl.status.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of the Prometheus text exposition format (0.0.4) that {@code promtool check metrics} applies,
 * checked line by line: metric and label name syntax, label values escaped, a HELP and a TYPE line
 * before a family's samples, one TYPE per family, a family's samples together, counters named
 * {@code _total}, no series twice, values that parse. {@link #parse} returns the samples, keyed by
 * series ({@code name{label="value",...}} with labels sorted), or throws with every rule broken.
 */
final class ExpositionFormat {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Pattern VALUE = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|\\.[0-9]+|Inf)|NaN");

    private ExpositionFormat() {
    }

    static Map<String, Double> parse(String text) {
        List<String> problems = new ArrayList<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> helps = new HashSet<>();
        Set<String> finished = new HashSet<>();
        Set<String> sampled = new HashSet<>();
        String current = null;
        if (!text.isEmpty() && !text.endsWith("\n")) {
            problems.add("the last line does not end with a newline");
        }
        int no = 0;
        for (String line : text.split("\n", -1)) {
            no++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (!helps.add(m.group(1))) {
                    problems.add(no + ": a second HELP for " + m.group(1));
                }
                if (sampled.contains(m.group(1))) {
                    problems.add(no + ": HELP for " + m.group(1) + " after its samples");
                }
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (types.put(m.group(1), m.group(2)) != null) {
                    problems.add(no + ": a second TYPE for " + m.group(1));
                }
                if (sampled.contains(m.group(1))) {
                    problems.add(no + ": TYPE for " + m.group(1) + " after its samples");
                }
                if (m.group(2).equals("counter") != m.group(1).endsWith("_total")) {
                    problems.add(no + ": " + m.group(1) + " is a " + m.group(2)
                            + (m.group(2).equals("counter") ? " not named _total" : " named _total"));
                }
            } else if (line.startsWith("#")) {
                problems.add(no + ": a comment that is neither HELP nor TYPE: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                sampled.add(name);
                if (!types.containsKey(name) || !helps.contains(name)) {
                    problems.add(no + ": " + name + " has no HELP and TYPE before its samples");
                }
                if (!name.equals(current)) {
                    if (finished.contains(name)) {
                        problems.add(no + ": the samples of " + name + " are not together");
                    }
                    if (current != null) {
                        finished.add(current);
                    }
                    current = name;
                }
                Map<String, String> labels = new TreeMap<>();
                String body = m.group(3) == null ? "" : m.group(3);
                Matcher l = LABEL.matcher(body);
                int at = 0;
                while (at < body.length() && l.find(at) && l.start() == at) {
                    if (labels.put(l.group(1), l.group(2)) != null || l.group(1).startsWith("__")) {
                        problems.add(no + ": label " + l.group(1) + " twice or reserved");
                    }
                    at = l.end();
                }
                if (at != body.length()) {
                    problems.add(no + ": labels do not parse: {" + body + "}");
                }
                if (!VALUE.matcher(m.group(4)).matches()) {
                    problems.add(no + ": value " + m.group(4) + " is not a number");
                }
                String series = name + labels.toString().replace(", ", ",");
                if (samples.containsKey(series)) {
                    problems.add(no + ": series " + series + " twice");
                }
                samples.put(series, VALUE.matcher(m.group(4)).matches() ? Double.valueOf(m.group(4).replace("Inf", "Infinity")) : null);
            } else {
                problems.add(no + ": not a sample, HELP or TYPE line: " + line);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("not valid exposition text:\n  " + String.join("\n  ", problems) + "\n" + text);
        }
        return samples;
    }
}
