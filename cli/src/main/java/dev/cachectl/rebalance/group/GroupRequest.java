package dev.cachectl.rebalance.group;

/**
 * What {@code rebalance GROUP} was asked: plan (the default), apply the plan, or show the recorded
 * layout ({@code env}: as {@code REDIS_<CATEGORY>_URL=…} lines).
 *
 * @param tolerance the spread allowed between the fullest and the emptiest instance, in points of
 *                  maxmemory (0.2 = 20%); null: the group's own, else {@link GroupRebalance#DEFAULT_TOLERANCE}
 * @param samples   keys per category and instance whose MEMORY USAGE is read; the rest are scaled
 */
public record GroupRequest(String group, Action action, boolean env, Double tolerance, int samples) {

    public enum Action { plan, apply, show }
}
