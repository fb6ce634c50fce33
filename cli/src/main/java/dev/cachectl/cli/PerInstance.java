package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs one action per instance and keeps going when one fails, the way {@code stop --all} must:
 * each failure is one red line naming its instance; the exit code is 0 when all succeeded, the
 * failure's own code when every one failed, and 4 (partly done) otherwise.
 */
final class PerInstance<R> {
    private final List<R> results = new ArrayList<>();
    private final List<CachectlException> failures = new ArrayList<>();
    /** Each name with its result or its failure, in the order given. */
    private final List<Entry<R>> entries = new ArrayList<>();

    private record Entry<R>(String name, R result, CachectlException failure) {
    }

    /** A lone name's failure ends the command (the front door reports it): for a command whose document lists only successes. */
    static <R> PerInstance<R> run(List<String> names, Function<String, R> action, Output output) {
        return run(names, action, output, false);
    }

    /**
     * With {@code listsLoneFailure}, a lone name's failure is kept like any other, so that a document listing
     * failures ({@link #resultsAndFailures}) has the same shape for one name as for two; its line on stderr
     * is the one the front door would print.
     */
    static <R> PerInstance<R> run(List<String> names, Function<String, R> action, Output output, boolean listsLoneFailure) {
        PerInstance<R> batch = new PerInstance<>();
        for (String name : names) {
            try {
                R result = action.apply(name);
                batch.results.add(result);
                batch.entries.add(new Entry<>(name, result, null));
            } catch (CachectlException e) {
                boolean lone = names.size() == 1;
                if (lone && !listsLoneFailure || e.exitCode() == ExitCode.INTERRUPTED) {
                    throw e;
                }
                batch.failures.add(e);
                batch.entries.add(new Entry<>(name, null, e));
                output.error(lone ? e.getMessage() : name + ": " + e.getMessage(), e.details());
                if (lone) {
                    output.trace(e.getCause());
                }
            }
        }
        return batch;
    }

    List<R> results() {
        return results;
    }

    /** Every name's result in the order given, a failed one as {@code failed} describes it (for a JSON document listing all). */
    List<R> resultsAndFailures(BiFunction<String, CachectlException, R> failed) {
        return entries.stream().map(e -> e.failure() == null ? e.result() : failed.apply(e.name(), e.failure())).toList();
    }

    int exitCode() {
        if (failures.isEmpty()) {
            return ExitCode.DONE.code();
        }
        return results.isEmpty() ? failures.get(0).exitCode().code() : ExitCode.PARTIAL.code();
    }
}
