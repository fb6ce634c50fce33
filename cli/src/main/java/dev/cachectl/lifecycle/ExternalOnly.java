package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.util.Locale;
import java.util.Map;

/**
 * Where Docker Compose or Kubernetes runs the servers, cachectl must never launch one:
 * {@code CACHECTL_EXTERNAL_ONLY=1}, or {@code DOCKER_ENV} set to anything (the variable such
 * applications already use to tell), makes every instance without a URL a refusal (exit 3).
 */
public final class ExternalOnly {
    public static final String VARIABLE = "CACHECTL_EXTERNAL_ONLY";
    public static final String DOCKER = "DOCKER_ENV";

    private ExternalOnly() {
    }

    public static boolean enabled(Map<String, String> env) {
        return env.containsKey(DOCKER) || switched(env.get(VARIABLE));
    }

    /** The refusal for an instance that has no URL. */
    public static CachectlException refusal(String name, Map<String, String> env) {
        return new CachectlException(ExitCode.DOWN, "no URL for instance '" + name + "', and servers are managed outside here ("
                + reason(env) + "): set " + InstanceCatalog.envVarFor(name) + " or give it a url: in cachectl.yaml");
    }

    /** The refusal for a command that starts servers of its own ({@code who}, e.g. "bench --mode eviction"): no URL can stand in. */
    public static CachectlException refusalToLaunch(String who, Map<String, String> env) {
        return new CachectlException(ExitCode.DOWN, who + " starts temporary servers of its own, and servers are managed outside"
                + " here (" + reason(env) + "): it cannot run here");
    }

    private static String reason(Map<String, String> env) {
        return switched(env.get(VARIABLE)) ? VARIABLE + " is set" : DOCKER + " is set";
    }

    private static boolean switched(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return !(v.isEmpty() || v.equals("0") || v.equals("false") || v.equals("no") || v.equals("off"));
    }
}
