package dev.cachectl.lifecycle;

import dev.cachectl.config.Endpoint;

/** A named instance as the commands see it: one cachectl runs, or one it only talks to. */
public sealed interface InstanceRef {

    String name();

    /** Where the settings came from, for messages: "cachectl.yaml", "REDIS_URL", "command line". */
    String origin();

    /**
     * {@code typed}: the settings of {@code spec} typed on the command line ({@link InstanceSpec} names), the rest
     * coming from {@code origin}: a start of a running instance names the option, or the file, that asked otherwise.
     */
    record Managed(InstanceSpec spec, String origin, java.util.Set<String> typed) implements InstanceRef {
        public Managed {
            typed = java.util.Set.copyOf(typed);
        }

        public Managed(InstanceSpec spec, String origin) {
            this(spec, origin, java.util.Set.of());
        }

        @Override
        public String name() {
            return spec.name();
        }
    }

    /** {@code ignored}: what a start of it leaves unused (the config's settings for a server the URL replaces), else null. */
    record External(String name, String engine, Endpoint endpoint, String origin, String ignored) implements InstanceRef {
        public External(String name, String engine, Endpoint endpoint, String origin) {
            this(name, engine, endpoint, origin, null);
        }
    }
}
