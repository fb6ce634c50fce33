package dev.cachectl.lifecycle;

import dev.cachectl.config.Endpoint;

/** A named instance as the commands see it: one cachectl runs, or one it only talks to. */
public sealed interface InstanceRef {

    String name();

    /** Where the settings came from, for messages: "cachectl.yaml", "REDIS_URL", "command line". */
    String origin();

    record Managed(InstanceSpec spec, String origin) implements InstanceRef {
        @Override
        public String name() {
            return spec.name();
        }
    }

    record External(String name, String engine, Endpoint endpoint, String origin) implements InstanceRef {
    }
}
