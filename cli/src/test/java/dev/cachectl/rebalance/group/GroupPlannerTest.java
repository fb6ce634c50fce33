package dev.cachectl.rebalance.group;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Why a group stays unbalanced once its plan is made, as the plan leaves the categories. */
class GroupPlannerTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void the_reason_names_a_category_the_plan_moved_onto_the_fullest_instance() {
        // gp is past 80% with order (40 MiB); the plan moves order to gs, then user from gs to gp: gs is the fullest
        // then, and what is on it is order, not "keys of no category"
        List<GroupPlanner.Instance> instances = List.of(new GroupPlanner.Instance("gp", 53 * MIB, 64 * MIB),
                new GroupPlanner.Instance("gs", 8 * MIB, 64 * MIB));
        List<GroupPlanner.Category> categories = List.of(new GroupPlanner.Category("auth", "gp", 10, 5 * MIB, true),
                new GroupPlanner.Category("order", "gp", 100, 40 * MIB, false),
                new GroupPlanner.Category("user", "gs", 100, 6 * MIB, false));
        GroupPlanner.Plan plan = GroupPlanner.plan(instances, categories, List.of(), 0.8, 0.1);
        assertEquals(List.of("order gp>gs", "user gs>gp"),
                plan.moves().stream().map(m -> m.category().name() + " " + m.from() + ">" + m.to()).toList());

        String why = GroupPlanner.stuck(instances, categories, plan, 0.8, 0.1);
        assertEquals("gs and gp are 36 points apart (66% and 30%, tolerance 10%); nothing can move: order (40.0 MiB) would take"
                + " gp to 92%, past the threshold", why);
    }

    @Test
    void a_category_the_plan_moved_that_could_move_on_is_named_as_moving_once_per_run() {
        List<GroupPlanner.Instance> instances = List.of(new GroupPlanner.Instance("a", 60 * MIB, 64 * MIB),
                new GroupPlanner.Instance("b", 0, 64 * MIB), new GroupPlanner.Instance("c", 0, 256 * MIB));
        List<GroupPlanner.Category> categories = List.of(new GroupPlanner.Category("x", "a", 100, 30 * MIB, false),
                new GroupPlanner.Category("y", "a", 100, 20 * MIB, false));
        GroupPlanner.Plan plan = GroupPlanner.plan(instances, categories, List.of(), 0.8, 0.1);
        assertEquals(List.of("x a>b", "y a>c"),
                plan.moves().stream().map(m -> m.category().name() + " " + m.from() + ">" + m.to()).toList());

        assertEquals("b and c are 39 points apart (47% and 8%, tolerance 10%); nothing can move: x (30.0 MiB) arrives on b"
                + " with this plan, and a category moves once per run: run it again once these moves are applied",
                GroupPlanner.stuck(instances, categories, plan, 0.8, 0.1));
    }
}
