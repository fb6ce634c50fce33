package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.util.Ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The servers that run from an instance's folder, found without its state file (when that is
 * damaged, or missing because a start was killed before it wrote it, or silent about the nodes
 * an interrupted cluster growth launched): for each config file cachectl wrote there (the instance's, or each cluster node's), the
 * process listening on the port it names, confirmed through /proc as running in that layout's
 * folder (a server works in its data dir). Nothing is found where there is no /proc.
 */
final class FolderServers {

    record Found(long pid, int port) {
        String describe() {
            return "port " + port + " (pid " + pid + ")";
        }
    }

    private FolderServers() {
    }

    /** As {@link #in(Path, String)}, for the engine the folder's settings name (the default one without readable settings). */
    static List<Found> in(Path instanceDir) {
        return in(instanceDir, engineOf(instanceDir));
    }

    /** The engine the settings in an instance's folder name, the default one when they are missing or unreadable. */
    static String engineOf(Path instanceDir) {
        try {
            return InstanceSettings.read(instanceDir).map(InstanceSettings::engine).orElse(Engines.defaultEngine().name());
        } catch (CachectlException unreadable) {
            return Engines.defaultEngine().name();
        }
    }

    /** "port 30001 (pid 4242), port 30002 (pid 4243)". */
    static String describe(List<Found> servers) {
        return String.join(", ", servers.stream().map(Found::describe).toList());
    }

    static List<Found> in(Path instanceDir, String engineName) {
        Engine engine = Engines.named(engineName);
        String configName = engine.name() + ".conf";
        List<Path> layouts = new ArrayList<>(List.of(instanceDir));
        layouts.addAll(ClusterStart.nodeDirs(instanceDir));
        List<Found> found = new ArrayList<>();
        for (Path dir : layouts) {
            InstanceLayout layout = InstanceLayout.in(dir.toAbsolutePath().normalize(), configName);
            OptionalInt port = Files.isRegularFile(layout.configFile()) ? engine.configuredPort(layout.configFile())
                    : OptionalInt.empty();
            if (port.isEmpty()) {
                continue;
            }
            OptionalLong pid = Ports.ownerPid(port.getAsInt());
            if (pid.isPresent() && worksIn(pid.getAsLong(), layout.dir())) {
                found.add(new Found(pid.getAsLong(), port.getAsInt()));
            }
        }
        return found;
    }

    private static boolean worksIn(long pid, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).startsWith(dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
