package dev.cachectl.cli;

import dev.cachectl.ExitCode;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Ctrl-C and SIGTERM for a command that stops cleanly (finishes what is in flight, says how far it
 * got, exits 130) instead of dying mid-write: while installed, the first asks {@code stop} to wind
 * down; a second one, from someone who will not wait (a read blocked on stdin, a stuck server),
 * exits at once.
 */
final class Interrupts implements AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private final AtomicInteger received = new AtomicInteger();

    private Interrupts(Consumer<String> stop, PrintWriter err) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> {
                    if (received.incrementAndGet() == 1) {
                        stop.accept("interrupted by SIG" + s.getName());
                    } else {
                        err.println("interrupted again: exiting at once, without waiting for what is in flight");
                        err.flush();
                        System.exit(ExitCode.INTERRUPTED.code());
                    }
                }));
            } catch (IllegalArgumentException e) {
                // signal reserved by the JVM here: the default handling applies
            }
        }
    }

    /** Installs the handlers until {@link #close()}; {@code stop} gets the reason, e.g. "interrupted by SIGINT". */
    static Interrupts routeTo(Consumer<String> stop, PrintWriter err) {
        return new Interrupts(stop, err);
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
