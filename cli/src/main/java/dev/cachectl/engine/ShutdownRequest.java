package dev.cachectl.engine;

/**
 * What came of asking a server to shut down ({@link Engine#requestShutdown}): sent to the process expected,
 * not sent because another process answered on the port ({@code answeredPid}), or not sent because nothing
 * answered in time.
 */
public record ShutdownRequest(boolean sent, long answeredPid) {

    public static ShutdownRequest sentTo(long pid) {
        return new ShutdownRequest(true, pid);
    }

    public static ShutdownRequest answeredBy(long otherPid) {
        return new ShutdownRequest(false, otherPid);
    }

    public static ShutdownRequest noAnswer() {
        return new ShutdownRequest(false, 0);
    }

    /** Another process answered on the port: it was left alone. */
    public boolean otherProcess() {
        return !sent && answeredPid != 0;
    }
}
