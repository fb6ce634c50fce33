package dev.cachectl.rebalance.group;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.CategoryDefinition;
import dev.cachectl.config.Config;
import dev.cachectl.config.Endpoint;
import dev.cachectl.config.GroupDefinition;
import dev.cachectl.config.Overrides;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Sizes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code cachectl rebalance GROUP}: measure each category of a group of standalone instances, plan
 * whole-category moves that bring every instance under the group's threshold and within the
 * tolerance of each other, carry them out as moves with migrate's engine, and record the new layout.
 * The command builds a {@link GroupRequest}; everything else is here.
 */
public final class GroupRebalance {
    /** Of each instance's maxmemory, when the group does not say. */
    public static final double DEFAULT_THRESHOLD = 0.8;
    public static final double DEFAULT_TOLERANCE = 0.25;
    public static final int DEFAULT_SAMPLES = 100;
    private static final String WAY_OUT = "; add an instance to the group, raise a maxmemory, or unpin a category";

    private final Config config;
    private final InstanceCatalog catalog;
    private final Path home;
    private final Function<String, GroupServers> servers;

    /** {@code servers}: the engine's side of the group named by the argument. */
    public GroupRebalance(Config config, InstanceCatalog catalog, Path home, Function<String, GroupServers> servers) {
        this.config = config;
        this.catalog = catalog;
        this.home = home;
        this.servers = servers;
    }

    /** True when cachectl.yaml defines a group of that name (the command's way to tell a group from a cluster). */
    public static boolean isGroup(Config config, String name) {
        return config.groups().containsKey(name);
    }

    public GroupReport run(GroupRequest request) {
        GroupDefinition group = config.groups().get(request.group());
        if (group == null) {
            throw CachectlException.usage("no group '" + request.group() + "' in "
                    + (config.source() == null ? "the config (no cachectl.yaml found; see --config)" : config.source())
                    + (config.groups().isEmpty() ? "" : " (known: " + String.join(", ", config.groups().keySet()) + ")"));
        }
        List<String> names = group.instances() == null ? List.of() : group.instances();
        if (names.size() < 2) {
            throw CachectlException.usage("group '" + request.group() + "' needs at least two instances to rebalance between");
        }
        double threshold = share(group.threshold(), DEFAULT_THRESHOLD, "groups." + request.group() + ".threshold");
        double tolerance = Overrides.setting(request.tolerance(),
                () -> share(group.tolerance(), DEFAULT_TOLERANCE, "groups." + request.group() + ".tolerance"));
        names.forEach(this::checkStandalone);
        if (request.action() != GroupRequest.Action.apply) {
            return rebalance(request, names, threshold, tolerance);
        }
        try (FileLocks.Held lock = lock(request.group())) {
            return rebalance(request, names, threshold, tolerance);
        }
    }

    /**
     * One {@code --apply} of a group at a time: two would plan the same move, copy it twice into one checkpoint
     * and each delete what the other copied. An OS lock, taken before anything is measured (the plan of a run
     * that waited would be stale), which the kernel drops however its holder ends.
     */
    private FileLocks.Held lock(String group) {
        Path file = GroupLayout.file(home, group).resolveSibling(group + ".lock");
        FileWrites.ensureDir(file.getParent(), "rebalance lock " + file);
        FileLocks.Held held = FileLocks.acquireTransient(file, Duration.ZERO).orElseThrow(() -> new CachectlException(
                ExitCode.LOCKED, "another 'cachectl rebalance " + group + " --apply' holds the lock " + file
                + FileLocks.holder(file) + "; wait for it to finish"));
        held.noteHolder();
        return held;
    }

    private GroupReport rebalance(GroupRequest request, List<String> names, double threshold, double tolerance) {
        GroupLayout recorded = GroupLayout.load(home, request.group());
        GroupLayout layout = recorded;
        Map<String, CategoryDefinition> categories = categoriesOf(names, recorded);
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        names.forEach(n -> endpoints.put(n, catalog.reachableEndpoint(n)));
        String layoutFile = GroupLayout.file(home, request.group()).toString();
        if (request.action() == GroupRequest.Action.show) {
            List<GroupReport.Instance> instances = names.stream()
                    .map(n -> new GroupReport.Instance(n, endpoints.get(n).toString(), null, null, null, null)).toList();
            List<GroupReport.Category> shown = new ArrayList<>();
            categories.forEach((name, c) -> shown.add(new GroupReport.Category(name, c.prefix(), c.instance(), c.pinned(), null, null)));
            return new GroupReport(request.group(), "show", "shown", 0, threshold, tolerance, instances, shown, List.of(),
                    layoutFile, request.env() ? envLines(categories, endpoints) : List.of(), null, null);
        }

        GroupServers engine = servers.apply(request.group());
        List<GroupPlanner.Instance> loads = new ArrayList<>();
        for (String name : names) {
            GroupServers.Load load = engine.load(endpoints.get(name));
            if (load.maxmemory() <= 0) {
                throw CachectlException.usage("'" + name + "' has no maxmemory: group '" + request.group()
                        + "' measures each instance against its maxmemory; set one (maxmemory in cachectl.yaml, or CONFIG SET maxmemory)");
            }
            loads.add(new GroupPlanner.Instance(name, load.usedMemory(), load.maxmemory()));
        }
        List<GroupPlanner.Category> measured = new ArrayList<>();
        List<GroupPlanner.Move> unfinished = new ArrayList<>();
        categories.forEach((name, c) -> {
            GroupServers.Size size = engine.measure(endpoints.get(c.instance()), c.prefix(), Math.max(1, request.samples()));
            GroupPlanner.Category category = new GroupPlanner.Category(name, c.instance(), size.keys(), size.bytes(), c.pinned());
            measured.add(category);
            GroupLayout.Moving moving = recorded.moving().get(name);
            if (moving != null && moving.from().equals(c.instance()) && endpoints.containsKey(moving.to())) {
                unfinished.add(new GroupPlanner.Move(category, moving.from(), moving.to()));
            }
        });
        GroupPlanner.Plan plan = GroupPlanner.plan(loads, measured, unfinished, threshold, tolerance);
        List<String> notes = new ArrayList<>();
        Throwable cause = null;
        unfinished.forEach(m -> notes.add("the move of " + m.category().name() + " from " + m.from() + " to " + m.to()
                + " did not finish; " + (request.action() == GroupRequest.Action.apply ? "finishing it first"
                : "--apply finishes it first")));
        List<GroupReport.Move> moves = new ArrayList<>();
        // an instance past the threshold or a spread past the tolerance that the plan leaves (no move at all, or
        // moves that are not enough): the group is not balanced, a partial result (exit 4), as status --check says
        String stuck = GroupPlanner.stuck(loads, measured, plan, threshold, tolerance);
        String outcome = plan.moves().isEmpty() ? (stuck == null ? "balanced" : "unbalanced") : "planned";
        ExitCode exit = stuck == null ? ExitCode.DONE : ExitCode.PARTIAL;
        if (request.action() == GroupRequest.Action.apply && !plan.moves().isEmpty()) {
            outcome = "completed";
            for (GroupPlanner.Move m : plan.moves()) {
                String prefix = categories.get(m.category().name()).prefix();
                layout = layout.starting(m.category().name(), m.from(), m.to());
                layout.save(home);
                GroupServers.Moved done = engine.move(m.category().name(), endpoints.get(m.from()), endpoints.get(m.to()), prefix);
                moves.add(new GroupReport.Move(m.category().name(), m.from(), m.to(), m.category().keys(), m.category().bytes(),
                        done.outcome(), done.copied(), done.deletedFromSource(), done.leftOnSource()));
                if (!done.outcome().equals("completed")) {
                    outcome = done.outcome().equals("interrupted") ? "interrupted" : "partial";
                    exit = outcome.equals("interrupted") ? ExitCode.INTERRUPTED : ExitCode.PARTIAL;
                    notes.add("moving " + m.category().name() + " from " + m.from() + " to " + m.to() + " stopped"
                            + (done.problem() == null ? "" : ": " + done.problem())
                            + "; run the same command again to resume it");
                    cause = done.cause();
                    break;
                }
                layout = layout.with(m.category().name(), m.to());
                layout.save(home);
                if (done.leftOnSource() > 0) {
                    outcome = "partial";
                    exit = ExitCode.PARTIAL;
                    notes.add(done.leftOnSource() + " keys of " + m.category().name() + " changed while they were copied and stay on "
                            + m.from() + "; run the same command again to move them");
                }
            }
        } else {
            plan.moves().forEach(m -> moves.add(new GroupReport.Move(m.category().name(), m.from(), m.to(), m.category().keys(),
                    m.category().bytes(), null, null, null, null)));
        }
        List<GroupReport.Instance> instances = new ArrayList<>();
        for (GroupPlanner.Instance i : loads) {
            instances.add(new GroupReport.Instance(i.name(), endpoints.get(i.name()).toString(), i.used(), i.max(),
                    (double) i.used() / i.max(), (double) plan.usedAfter().get(i.name()) / i.max()));
        }
        List<GroupReport.Category> listed = measured.stream().map(c -> new GroupReport.Category(c.name(),
                categories.get(c.name()).prefix(), c.instance(), c.pinned(), c.keys(), c.bytes())).toList();
        return new GroupReport(request.group(), request.action().name(), outcome, exit.code(), threshold, tolerance, instances,
                listed, moves, layoutFile, notes, stuck, cause);
    }

    /** The text an operator reads: the plan or what was done, or the layout. */
    public static List<String> lines(GroupReport r, String command) {
        List<String> lines = new ArrayList<>();
        if (r.action().equals("show")) {
            if (!r.notes().isEmpty()) {
                return r.notes();
            }
            r.categories().forEach(c -> lines.add(String.format(Locale.ROOT, "%-16s %-16s %s%s", c.name(), c.instance(),
                    c.prefix() + "*", c.pinned() ? "  (pinned)" : "")));
            return lines;
        }
        lines.add("group " + r.group() + ": threshold " + percent(r.threshold()) + " of maxmemory, tolerance " + percent(r.tolerance()));
        for (GroupReport.Instance i : r.instances()) {
            lines.add(String.format(Locale.ROOT, "  %-16s %s of %s used%s", i.name(), percent(i.before()), Sizes.human(i.maxmemory()),
                    r.moves().isEmpty() ? "" : " → " + percent(i.after())));
        }
        for (GroupReport.Move m : r.moves()) {
            String head = String.format(Locale.ROOT, "  move %s (%d keys, about %s): %s → %s", m.category(), m.keys(),
                    Sizes.human(m.bytes()), m.from(), m.to());
            lines.add(m.outcome() == null ? head : head + ": " + m.outcome() + ", " + m.copied() + " copied, "
                    + m.deletedFromSource() + " deleted from " + m.from());
        }
        switch (r.outcome()) {
            case "balanced" -> lines.add("nothing to move: every instance is under the threshold and within the tolerance");
            case "unbalanced" -> lines.add("not balanced: " + r.unbalancedBecause() + WAY_OUT);
            case "planned" -> {
                if (r.unbalancedBecause() != null) {
                    lines.add("not balanced even after these moves: " + r.unbalancedBecause() + WAY_OUT);
                }
                lines.add("run `" + command + " --apply` to carry it out");
            }
            default -> {
                if (r.outcome().equals("completed") && r.unbalancedBecause() != null) {
                    lines.add("not balanced after these moves: " + r.unbalancedBecause() + WAY_OUT);
                }
                lines.add("layout recorded in " + r.layoutFile() + " (warm --category writes there; see --show)");
            }
        }
        return lines;
    }

    private void checkStandalone(String name) {
        InstanceRef ref = catalog.resolve(name);
        boolean cluster = ref instanceof InstanceRef.Managed m ? m.spec().cluster() != null
                : ((InstanceRef.External) ref).endpoint().cluster();
        if (cluster) {
            throw CachectlException.usage("'" + name + "' is a Redis Cluster: a group holds standalone instances "
                    + "(rebalance a cluster with 'cachectl rebalance " + name + "')");
        }
    }

    /** The group's categories, each where it lives now (the recorded layout over cachectl.yaml). */
    private Map<String, CategoryDefinition> categoriesOf(List<String> names, GroupLayout layout) {
        Map<String, CategoryDefinition> mine = new LinkedHashMap<>();
        config.categories().forEach((name, c) -> {
            if (c.instance() != null && names.contains(c.instance())) {
                if (c.prefix() == null || c.prefix().isEmpty()) {
                    throw CachectlException.usage("category '" + name + "' has no prefix: a group moves categories by their prefix");
                }
                String now = layout.instanceOf(name, c);
                mine.put(name, new CategoryDefinition(c.prefix(), names.contains(now) ? now : c.instance(), c.ttl(), c.ttlJitter(), c.pin()));
            }
        });
        return mine;
    }

    private static List<String> envLines(Map<String, CategoryDefinition> categories, Map<String, Endpoint> endpoints) {
        List<String> lines = new ArrayList<>();
        categories.forEach((name, c) -> lines.add("REDIS_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_URL="
                + endpoints.get(c.instance()).secretUrl()));
        return lines;
    }

    /** {@code 80%} or {@code 0.8}; absent: {@code fallback}. */
    public static double share(String text, double fallback, String what) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String t = text.trim();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
            if (v > 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw CachectlException.usage(what + ": '" + text + "' is not a share such as 80% (above 0, at most 100%)");
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }
}
