package dev.cachectl.util;

import dev.cachectl.CachectlException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Free loopback ports, and who holds a taken one (from /proc, where there is one). */
public final class Ports {

    private Ports() {
    }

    /** True when nothing listens on {@code port} on loopback or the wildcard address. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free right now; the caller must cope with losing it to a race before it binds. */
    public static int pickFree() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw CachectlException.failed("no free loopback port to bind (" + e.getMessage() + ")", e);
        }
    }

    /** "pid 1234 (redis-server)" for the process listening on {@code port}, when /proc tells. */
    public static Optional<String> owner(int port) {
        return ownerPid(port).stream().boxed().findFirst().map(pid -> {
            try {
                return "pid " + pid + " (" + Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim() + ")";
            } catch (IOException e) {
                return "pid " + pid;
            }
        });
    }

    /** The pid of the process listening on {@code port}, when /proc tells (only processes of this user are seen). */
    public static OptionalLong ownerPid(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        Optional<String> inode = listeningInode(Path.of("/proc/net/tcp"), hexPort)
                .or(() -> listeningInode(Path.of("/proc/net/tcp6"), hexPort));
        if (inode.isEmpty()) {
            return OptionalLong.empty();
        }
        String socket = "socket:[" + inode.get() + "]";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (socket.equals(Files.readSymbolicLink(fd).toString())) {
                            return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process: skip it
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static Optional<String> listeningInode(Path table, String hexPort) {
        try {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address, f[3] state (0A = LISTEN), f[9] inode
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    return Optional.of(f[9]);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
