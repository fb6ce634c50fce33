package dev.cachectl.warm;

import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.warm.source.MongoUrl;
import dev.cachectl.warm.source.SourceFormat;

import java.nio.file.Path;

/**
 * One warm, fully resolved and checked: where records come from, how each becomes a key, where they
 * go, and how the run behaves unattended (lock, skip conditions, error limit, batching).
 * {@code mapper} is null for a hot-keys copy, which takes keys as they are.
 */
public record WarmJob(
        String name,
        Source source,
        Target target,
        RecordMapper mapper,
        boolean nx,
        String lock,
        Gates gates,
        long maxErrors,
        BatchSettings batch) {

    /** Where records come from; {@link #shown()} is safe to print (no password). */
    public sealed interface Source {
        String shown();
    }

    /** A JSON Lines or CSV file, plain or gzipped; {@code path} null means stdin. */
    public record FileSource(Path path, SourceFormat format, String shown) implements Source {
    }

    public record MongoSource(MongoUrl url, String query, String projection) implements Source {
        @Override
        public String shown() {
            return url.toString();
        }
    }

    /** The {@code top} hottest keys of another Redis. */
    public record HotKeys(String name, Endpoint endpoint, int top) implements Source {
        @Override
        public String shown() {
            return name;
        }
    }

    /** {@code name} is the instance name, or the redacted URL the user typed. */
    public record Target(String name, Endpoint endpoint) {
    }

    /** Skip conditions: run only while the hit ratio is below one and/or the key count below the other. */
    public record Gates(Double hitRatioBelow, Long keysBelow) {
        public static final Gates NONE = new Gates(null, null);

        public boolean any() {
            return hitRatioBelow != null || keysBelow != null;
        }
    }
}
