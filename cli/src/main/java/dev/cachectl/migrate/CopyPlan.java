package dev.cachectl.migrate;

/** An engine's migrate plan, built by the command from its options and handed to that engine's {@link Copy}. */
public interface CopyPlan {
}
