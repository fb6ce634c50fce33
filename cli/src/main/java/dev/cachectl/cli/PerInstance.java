package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one action per instance and keeps going when one fails, the way {@code stop --all} must:
 * each failure is one red line naming its instance; the exit code is 0 when all succeeded, the
 * failure's own code when every one failed, and 4 (partly done) otherwise.
 */
final class PerInstance<R> {
    private final List<R> results = new ArrayList<>();
    private final List<CachectlException> failures = new ArrayList<>();

    static <R> PerInstance<R> run(List<String> names, Function<String, R> action, Output output) {
        PerInstance<R> batch = new PerInstance<>();
        for (String name : names) {
            try {
                batch.results.add(action.apply(name));
            } catch (CachectlException e) {
                if (names.size() == 1 || e.exitCode() == ExitCode.INTERRUPTED) {
                    throw e;
                }
                batch.failures.add(e);
                output.error(name + ": " + e.getMessage(), e.details());
            }
        }
        return batch;
    }

    List<R> results() {
        return results;
    }

    int exitCode() {
        if (failures.isEmpty()) {
            return ExitCode.DONE.code();
        }
        return results.isEmpty() ? failures.get(0).exitCode().code() : ExitCode.PARTIAL.code();
    }
}
