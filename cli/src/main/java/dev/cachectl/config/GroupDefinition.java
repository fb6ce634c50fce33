package dev.cachectl.config;

import java.util.List;

/**
 * One entry under {@code groups:} in cachectl.yaml: standalone instances that share an application's
 * key categories, and the share of each one's maxmemory ({@code threshold}, such as {@code 80%}) past
 * which {@code rebalance GROUP} moves categories away. Values stay text; the rebalance reads them.
 */
public record GroupDefinition(List<String> instances, String threshold, String tolerance) {
}
