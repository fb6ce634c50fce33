package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.ExitCode;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The process's SIGINT, SIGTERM and SIGHUP as requests to cancel the current run: the only place that
 * handles signals. Handlers are installed only while a job listens on its token (otherwise a signal
 * has its default effect), and the previous ones come back afterwards. The first signal asks the job to
 * wind down (finish what is in flight, say how far it got, exit 130); a repeated one, from someone who
 * will not wait (a read blocked on stdin, a stuck server), exits at once, unless the job is stopping what it
 * launched (a start), which it finishes first. {@code run} instead gets every
 * signal to pass on to its child.
 */
public final class Signals implements Cancellation.Source {
    private static final List<String> WATCHED = List.of("INT", "TERM", "HUP");

    private final PrintWriter err;
    private final IntConsumer exit;
    private final List<String> watched;

    private Signals(PrintWriter err, IntConsumer exit, List<String> watched) {
        this.err = err;
        this.exit = exit;
        this.watched = watched;
    }

    /** {@code exit} ends the process (main passes {@code System::exit}). */
    public static Cancellation.Source of(PrintWriter err, IntConsumer exit) {
        return new Signals(err, exit, WATCHED);
    }

    @Override
    public Cancellation.Source without(String signal) {
        return new Signals(err, exit, watched.stream().filter(name -> !name.equals(signal)).toList());
    }

    @Override
    public Cancellation.Registration watch(Cancellation token) {
        Map<Signal, SignalHandler> previous = new HashMap<>();
        for (String name : watched) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> {
                    Cancellation.Request request = token.signal(s.getName());
                    if (request == Cancellation.Request.REPEATED) {
                        err.println("interrupted again: exiting at once, without waiting for what is in flight");
                        err.flush();
                        exit.accept(ExitCode.INTERRUPTED.code());
                    } else if (request == Cancellation.Request.DEFERRED) {
                        err.println("interrupted again: still stopping what it launched, so that nothing is left behind");
                        err.flush();
                    }
                }));
            } catch (IllegalArgumentException e) {
                // signal reserved by the JVM here (e.g. with -Xrs): the default handling applies
            }
        }
        return () -> previous.forEach(Signal::handle);
    }
}
