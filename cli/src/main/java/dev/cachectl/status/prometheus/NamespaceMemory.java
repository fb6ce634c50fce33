package dev.cachectl.status.prometheus;

import java.util.Map;

/**
 * Memory per key namespace of each instance, from its last analysis ({@code status --analyze}), for
 * {@code cachectl_namespace_memory_bytes}. The hook the analysis plugs into; {@link #NONE} until it does.
 */
@FunctionalInterface
public interface NamespaceMemory {
    NamespaceMemory NONE = instance -> Map.of();

    /** Estimated bytes per namespace of the named instance's last analysis; empty when it has none. */
    Map<String, Long> of(String instance);
}
