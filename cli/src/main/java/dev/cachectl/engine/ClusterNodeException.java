package dev.cachectl.engine;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

/**
 * A cluster could not be formed because of one node, named by its index in the list given to the
 * engine, so that the lifecycle can show that node's last log lines under the message.
 */
public final class ClusterNodeException extends CachectlException {
    private final int node;

    public ClusterNodeException(int node, ExitCode exitCode, String message, Throwable cause) {
        super(exitCode, message, cause);
        this.node = node;
    }

    public int node() {
        return node;
    }
}
