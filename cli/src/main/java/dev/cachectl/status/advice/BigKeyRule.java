package dev.cachectl.status.advice;

import dev.cachectl.status.analyze.Analysis;
import dev.cachectl.util.Sizes;

import java.util.Optional;
import java.util.stream.Collectors;

/** Keys of more than 10,000 elements or 10 MB, from an analysis (which lists up to 100 it read). */
final class BigKeyRule implements Rule {
    private static final int NAMED = 3;

    @Override
    public String name() {
        return "big_keys";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        Analysis analysis = subject.analysis();
        if (analysis == null || analysis.bigKeys().isEmpty()) {
            return Optional.empty();
        }
        int n = analysis.bigKeys().size();
        String named = analysis.bigKeys().stream().limit(NAMED).map(BigKeyRule::describe).collect(Collectors.joining(", "));
        return Optional.of(finding(subject,
                n + (n == 1 ? " key" : " keys") + " over 10,000 elements or 10 MB" + (analysis.full() ? "" : " in the sample")
                        + ": " + named,
                "they block the server on DEL, MIGRATE and migrate's fast path: split them into smaller keys, "
                        + "and delete them with UNLINK"));
    }

    private static String describe(Analysis.BigKey k) {
        String elements = k.elements() == null ? "" : ", " + k.elements() + (k.type().equals("string") ? " bytes" : " elements");
        return "'" + k.key() + "' (" + k.type() + elements + ", " + Sizes.human(k.memory()) + ")";
    }
}
