package dev.cachectl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A stand-in redis-server: it says its version as Redis 7.0.15 does, and otherwise runs {@code body} (sh). */
public final class FakeRedisServer {

    private FakeRedisServer() {
    }

    public static Path in(Path dir, String body) throws IOException {
        Path fake = dir.resolve("redis-server");
        Files.writeString(fake, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then
                  echo "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=0"
                  exit 0
                fi
                """ + body);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        return fake;
    }
}
