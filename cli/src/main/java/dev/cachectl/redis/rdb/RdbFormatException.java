package dev.cachectl.redis.rdb;

import java.io.IOException;

/** An RDB stream that is malformed, or uses an encoding this reader does not support. */
public final class RdbFormatException extends IOException {
    public RdbFormatException(String message) {
        super(message);
    }
}
