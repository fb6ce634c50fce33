package dev.cachectl.rebalance.group;

import dev.cachectl.CachectlException;
import dev.cachectl.config.CategoryDefinition;
import dev.cachectl.config.Config;
import dev.cachectl.config.GroupDefinition;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a group's categories live after a rebalance, recorded in {@code HOME/groups/GROUP.json}
 * (written atomically, owner-only). A category the file does not name lives where cachectl.yaml says.
 */
public record GroupLayout(String group, Map<String, String> categories, Map<String, Moving> moving, String updated) {

    /** A category's move that started and has not finished: the next {@code --apply} finishes it first. */
    public record Moving(String from, String to) {
    }

    public GroupLayout {
        categories = categories == null ? Map.of() : Map.copyOf(categories);
        moving = moving == null ? Map.of() : Map.copyOf(moving);
    }

    public static Path file(Path home, String group) {
        return home.resolve("groups").resolve(group + ".json");
    }

    /** The recorded layout, or an empty one when the group was never rebalanced. */
    public static GroupLayout load(Path home, String group) {
        Path file = file(home, group);
        if (!Files.isRegularFile(file)) {
            return new GroupLayout(group, Map.of(), Map.of(), null);
        }
        try {
            GroupLayout layout = Json.MAPPER.readValue(file.toFile(), GroupLayout.class);
            return new GroupLayout(group, layout.categories(), layout.moving(), layout.updated());
        } catch (IOException e) {
            throw CachectlException.failed(file + ": not a valid group layout (remove it to go back to cachectl.yaml's layout)");
        }
    }

    /** The category now lives on {@code instance}; its move, if any, is over. */
    public GroupLayout with(String category, String instance) {
        Map<String, String> next = new LinkedHashMap<>(categories);
        next.put(category, instance);
        Map<String, Moving> still = new LinkedHashMap<>(moving);
        still.remove(category);
        return new GroupLayout(group, next, still, java.time.Instant.now().toString());
    }

    /** The category's move from {@code from} to {@code to} has started. */
    public GroupLayout starting(String category, String from, String to) {
        Map<String, Moving> next = new LinkedHashMap<>(moving);
        next.put(category, new Moving(from, to));
        return new GroupLayout(group, categories, next, java.time.Instant.now().toString());
    }

    /**
     * Replaces the recorded layout whole; a failure ("cannot write group layout FILE: No space left on device",
     * exit 1) leaves the one before intact, and the rebalance stops there.
     */
    public void save(Path home) {
        Path file = file(home, group);
        FileWrites.ensureDir(file.getParent(), "group layout " + file);
        try {
            FileWrites.atomically(file, Json.MAPPER.writeValueAsString(this), "group layout ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("group layout " + file, e);
        }
    }

    /** The instance a category lives on now: the recorded one, else cachectl.yaml's. */
    public String instanceOf(String category, CategoryDefinition definition) {
        return categories.getOrDefault(category, definition.instance());
    }

    /**
     * The config with every category of every group where its group's recorded layout puts it:
     * what {@code warm --category} writes to.
     */
    public static Config current(Config config, Path home) {
        if (config.groups().isEmpty() || !Files.isDirectory(home.resolve("groups"))) {
            return config;
        }
        Map<String, CategoryDefinition> categories = new LinkedHashMap<>(config.categories());
        for (Map.Entry<String, GroupDefinition> group : config.groups().entrySet()) {
            GroupLayout layout = load(home, group.getKey());
            layout.categories().forEach((name, instance) -> {
                CategoryDefinition c = categories.get(name);
                if (c != null && group.getValue().instances() != null && group.getValue().instances().contains(c.instance())) {
                    categories.put(name, new CategoryDefinition(c.prefix(), instance, c.ttl(), c.ttlJitter(), c.pin()));
                }
            });
        }
        return config.withCategories(java.util.Collections.unmodifiableMap(categories));
    }
}
