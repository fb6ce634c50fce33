package dev.cachectl.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cachectl.CachectlException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * cachectl.yaml: the named instances every command needs, and the key categories and warm jobs that
 * {@code warm} uses, and the groups of instances {@code rebalance GROUP} evens out.
 */
public record Config(Map<String, InstanceDefinition> instances, Map<String, CategoryDefinition> categories,
                     Map<String, WarmJobDefinition> jobs, Map<String, GroupDefinition> groups, Path source) {

    public static final String FILE_NAME = "cachectl.yaml";

    public Config {
        categories = categories == null ? Map.of() : categories;
        jobs = jobs == null ? Map.of() : jobs;
        groups = groups == null ? Map.of() : groups;
    }

    public Config(Map<String, InstanceDefinition> instances, Path source) {
        this(instances, Map.of(), Map.of(), Map.of(), source);
    }

    /** The same config with other categories: where a rebalance recorded that they now live. */
    public Config withCategories(Map<String, CategoryDefinition> moved) {
        return new Config(instances, moved, jobs, groups, source);
    }

    public static Config none() {
        return new Config(Map.of(), null);
    }

    /** The directory relative paths in the file are read from: the file's own, so a cron job may run anywhere. */
    public java.util.Optional<Path> directory() {
        return source == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(source.toAbsolutePath().getParent());
    }

    /**
     * A mistake in the value of a setting that is checked after loading: "FILE, line N, column M:
     * a.b.c 'value': problem", at the setting's own line when the file still has it.
     */
    public CachectlException settingError(String problem, String... keys) {
        return CachectlException.usage(settingAt(keys) + " " + problem);
    }

    /** "FILE, line N, column M: a.b.c": the setting at {@code keys}, at its own line when the file still has it. */
    public String settingAt(String... keys) {
        String at = source == null ? "config" : source + ConfigErrors.where(source, keys);
        return at + ": " + String.join(".", keys);
    }

    /**
     * {@code --config FILE}, else {@code $CACHECTL_CONFIG}, else {@code ./cachectl.yaml} when it exists.
     * A file named explicitly must exist; the implicit one is optional. Relative names are read
     * from {@code workingDir}, like every other path the user types.
     */
    public static Config load(Path explicit, Map<String, String> env, Path workingDir) {
        if (explicit != null && explicit.toString().isBlank()) {
            throw CachectlException.usage("--config needs the path of a file (it was given an empty one)");
        }
        Path file = explicit == null ? null : workingDir.resolve(explicit);
        if (file == null && env.get("CACHECTL_CONFIG") != null && !env.get("CACHECTL_CONFIG").isBlank()) {
            file = workingDir.resolve(env.get("CACHECTL_CONFIG"));
        }
        if (file == null) {
            Path implicit = workingDir.resolve(FILE_NAME);
            if (!Files.isRegularFile(implicit)) {
                return none();
            }
            file = implicit;
        }
        if (Files.isDirectory(file)) {
            throw CachectlException.usage("config file " + file + " is a folder: name the cachectl.yaml in it");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw CachectlException.usage("config file " + file + " is not a regular file (a device or a pipe)");
        }
        if (!Files.isRegularFile(file)) {
            throw CachectlException.usage("config file not found: " + file);
        }
        return parse(file);
    }

    static Config parse(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            JsonToken first = readThrough(file);
            if (first == null) {
                return new Config(Map.of(), file); // empty, or comments only: nothing configured
            }
            if (first != JsonToken.START_OBJECT) {
                throw CachectlException.usage(file + ": should be a group of 'name: value' settings (instances, categories, "
                        + "jobs, groups), but it is " + (first == JsonToken.START_ARRAY ? "a list"
                        : first == JsonToken.VALUE_STRING ? "text" : "a single value"));
            }
            FileContent raw = yaml.readValue(file.toFile(), FileContent.class);
            if (raw == null) {
                return new Config(Map.of(), file);
            }
            Map<String, InstanceDefinition> instances = new LinkedHashMap<>();
            if (raw.instances() != null) {
                raw.instances().forEach((name, def) -> instances.put(name, def == null ? InstanceDefinition.empty() : def));
            }
            instances.forEach((name, def) -> refuseServerSettingsBesideUrl(file, name, def));
            return new Config(Map.copyOf(instances), entries(file, "categories", raw.categories()),
                    entries(file, "jobs", raw.jobs()), entries(file, "groups", raw.groups()), file);
        } catch (JsonProcessingException e) {
            throw CachectlException.usage(ConfigErrors.describe(file, e));
        } catch (IOException e) {
            throw CachectlException.usage(file + ": cannot be read (" + CachectlException.withoutJavaNames(e.getMessage()) + ")");
        }
    }

    /**
     * Reads the file's tokens through once, so that a name or setting written twice is a mistake pointed at, not
     * one for the last to win silently; its first token, null when it holds none. (Detection on the mapping read
     * itself would change how a mis-indented value reads, and its message.)
     */
    private static JsonToken readThrough(Path file) throws IOException {
        try (JsonParser parser = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .createParser(file.toFile())) {
            JsonToken first = parser.nextToken();
            while (parser.nextToken() != null) {
                // to the end: a duplicate anywhere throws
            }
            return first;
        }
    }

    /**
     * An instance with a {@code url} is a server cachectl never starts: a setting for starting one beside it
     * (port, maxmemory, …) would be ignored, so it is refused where it is written.
     */
    private static void refuseServerSettingsBesideUrl(Path file, String name, InstanceDefinition def) {
        if (def.url() == null) {
            return;
        }
        java.util.List<String> server = def.serverSettings();
        if (!server.isEmpty()) {
            String first = server.get(0);
            throw CachectlException.usage(file + ConfigErrors.where(file, "instances", name, first) + ": instance '" + name
                    + "' has a url and " + String.join(", ", server) + ": a url names a server cachectl does not "
                    + "start, so those settings would be ignored; remove them, or the url");
        }
    }

    /** Keeps the file's order (help and errors list entries as written); an empty entry is an error. */
    private static <T> Map<String, T> entries(Path file, String section, Map<String, T> raw) {
        if (raw == null) {
            return Map.of();
        }
        raw.forEach((name, def) -> {
            if (def == null) {
                throw CachectlException.usage(file + ": " + section + "." + name + " has no settings");
            }
        });
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    }

    private record FileContent(Map<String, InstanceDefinition> instances,
                               LinkedHashMap<String, CategoryDefinition> categories,
                               LinkedHashMap<String, WarmJobDefinition> jobs,
                               LinkedHashMap<String, GroupDefinition> groups) {
    }
}
