package dev.cachectl.status;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusParallelTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /**
     * Six servers that accept a connection and never answer: each costs status its 2 s probe timeout.
     * One after the other that is 12 s; sampled together, about 2 s.
     */
    @Test
    void status_samples_its_instances_in_parallel() throws Exception {
        List<ServerSocket> silent = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of("status"));
            for (int i = 0; i < 6; i++) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                silent.add(s);
                args.add("redis://127.0.0.1:" + s.getLocalPort());
            }
            long t0 = System.nanoTime();
            CliResult result = home.run(args.toArray(String[]::new)).assertExit(3);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(6, result.out().lines().filter(l -> l.contains(" down ")).count(), result.toString());
            assertTrue(millis < 6_000, "six silent servers took " + millis + " ms: sampled one after the other");
        } finally {
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }
}
