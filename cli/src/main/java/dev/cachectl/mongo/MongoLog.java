package dev.cachectl.mongo;

import java.util.List;

/**
 * What a mongo server's log says during a start. mongod 4.4+ writes one JSON document a line
 * ({@code "msg":"Failed to set up listener" … "errmsg":"Address already in use"}), older ones plain text
 * ({@code Failed to set up listener: SocketException: Address already in use}), the embedded server
 * a line of its own; all of them name the cause the same way.
 */
final class MongoLog {
    private MongoLog() {
    }

    static boolean portInUse(List<String> lines) {
        return lines.stream().anyMatch(l -> l.contains("Address already in use"));
    }
}
