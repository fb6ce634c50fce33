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

    static <R> PerInstance<R> run(List<String> names, Function<String, R> action, Output output) {
        PerInstance<R> batch = new PerInstance<>();
        for (String name : names) {
            try {
                R result = action.apply(name);
                batch.results.add(result);
                batch.entries.add(new Entry<>(name, result, null));
            } catch (CachectlException e) {
                if (names.size() == 1 || e.exitCode() == ExitCode.INTERRUPTED) {
                    throw e;
                }
                batch.failures.add(e);
                batch.entries.add(new Entry<>(name, null, e));
                output.error(name + ": " + e.getMessage(), e.details());
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
