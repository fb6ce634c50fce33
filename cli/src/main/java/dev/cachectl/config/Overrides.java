package dev.cachectl.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * "A flag typed on the command line overrides the config file", written once: for settings by name (a
 * managed instance's), for records whose components are settings (a warm job's) and for one setting (a
 * group's tolerance). Absent is null.
 */
public final class Overrides {

    private Overrides() {
    }

    /** {@code configured}, with every setting that {@code typed} gives (not null) put over it. */
    public static Map<String, Object> over(Map<String, ?> typed, Map<String, ?> configured) {
        Map<String, Object> merged = new LinkedHashMap<>(configured);
        typed.forEach((name, value) -> {
            if (value != null) {
                merged.put(name, value);
            }
        });
        return merged;
    }

    /** One setting: {@code typed} when given, else the configured one (read only then: reading it may refuse it). */
    public static <T> T setting(T typed, Supplier<T> configured) {
        return typed != null ? typed : configured.get();
    }

    /** A record of {@code typed}'s components where given, {@code configured}'s elsewhere; {@code typed} when none is configured. */
    public static <R extends Record> R over(R typed, R configured) {
        if (configured == null) {
            return typed;
        }
        RecordComponent[] components = typed.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                Object value = components[i].getAccessor().invoke(typed);
                values[i] = value != null ? value : components[i].getAccessor().invoke(configured);
            }
            Constructor<?> canonical = typed.getClass().getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            @SuppressWarnings("unchecked")
            R merged = (R) canonical.newInstance(values);
            return merged;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot merge " + typed.getClass().getSimpleName(),
                    e instanceof InvocationTargetException ite ? ite.getCause() : e);
        }
    }
}
