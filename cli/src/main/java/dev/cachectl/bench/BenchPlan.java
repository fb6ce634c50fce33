package dev.cachectl.bench;

import java.nio.file.Path;

/**
 * Everything a {@code bench} run was asked: the target, the workload, the load's shape, and what to
 * do around it (preload, clean-up, overriding the non-empty-prefix check, a histogram log).
 */
public record BenchPlan(String target, Workload workload, LoadShape shape, boolean preload, boolean cleanup,
                        boolean force, Path hdrOut) {
}
