package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;

import java.util.Set;

/** How a target's answer to a write is taken: fine per key, a payload to copy by type instead, or the end of the run. */
final class WriteErrors {
    private static final Set<String> FATAL_PREFIXES = Set.of("OOM", "READONLY", "NOAUTH", "NOPERM", "WRONGPASS", "MISCONF");

    private WriteErrors() {
    }

    /** Errors that mean no later write can succeed either (target full, read-only, not authorised); else null. */
    static CachectlException fatal(Endpoint target, String error) {
        String first = firstLine(error);
        for (String prefix : FATAL_PREFIXES) {
            if (first.startsWith(prefix)) {
                ExitCode code = prefix.equals("NOAUTH") || prefix.equals("WRONGPASS") || prefix.equals("NOPERM")
                        ? ExitCode.USAGE : ExitCode.FAILED;
                return new CachectlException(code, "target " + target + " refused writes: " + first);
            }
        }
        return null;
    }

    /** The target cannot read this DUMP payload (an older Redis, or a different encoding): copy it by type. */
    static boolean payloadRejected(String error) {
        return error.contains("DUMP payload version or checksum are wrong") || error.contains("Bad data format");
    }

    static boolean busyKey(String error) {
        return error.startsWith("BUSYKEY");
    }

    static String firstLine(String error) {
        return error.lines().findFirst().orElse(error);
    }
}
