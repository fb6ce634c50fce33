package dev.cachectl.engine;

import java.nio.file.Path;

/**
 * A server binary ready to run: the path to execute (Debian's redis-server is a symlink to a
 * multi-call binary that picks its role from argv[0], so it must be run by this name), the real
 * file the kernel will report as the process's executable, the version it reports, and where it
 * came from ({@code configured} by --binary or cachectl.yaml, {@code PATH}, {@code embedded}).
 */
public record ResolvedBinary(Path path, Path executable, String version, String source) {
}
