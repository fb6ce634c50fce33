package dev.cachectl.redis;

/**
 * Reads {@code CLIENT LIST} for the clients that use a server without sending commands, which its command
 * counters alone would take for idle: blocked in a command ({@code BLPOP}, {@code WAIT}: flag {@code b}),
 * subscribed ({@code sub}, {@code psub} or {@code ssub} above 0, or flag {@code P}), in a transaction
 * ({@code x}), a replica ({@code S}) or a monitor ({@code O}). cachectl's own probes are none of these.
 */
final class ClientList {
    private ClientList() {
    }

    /** How many clients of {@code list} are busy; {@code ownReplicas}: replicas are the instance's own nodes, not clients. */
    static long busy(String list, boolean ownReplicas) {
        long busy = 0;
        for (String line : list.split("\r?\n")) {
            if (!line.isBlank() && isBusy(line, ownReplicas)) {
                busy++;
            }
        }
        return busy;
    }

    private static boolean isBusy(String line, boolean ownReplicas) {
        for (String field : line.trim().split(" ")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            switch (key) {
                case "flags":
                    if (value.indexOf('b') >= 0 || value.indexOf('P') >= 0 || value.indexOf('x') >= 0
                            || value.indexOf('O') >= 0 || !ownReplicas && value.indexOf('S') >= 0) {
                        return true;
                    }
                    break;
                case "sub":
                case "psub":
                case "ssub":
                    if (!value.equals("0") && !value.isEmpty()) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
        }
        return false;
    }
}
