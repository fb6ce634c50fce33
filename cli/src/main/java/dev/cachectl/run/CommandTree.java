package dev.cachectl.run;

import dev.cachectl.lifecycle.ProcessIdentity;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The command {@code run} started and every process under it. The command shares cachectl's
 * process group (a terminal's Ctrl-C must reach it, and Java cannot give a child a group of its
 * own), so a signal meant for the command is sent to each process of the tree by pid. The tree is
 * read before anything is signalled: once a parent dies its children move to init and can no longer
 * be found from the command. Parents are signalled before their children, so a parent that restarts
 * or reaps a dying child has had the signal first. Every process signalled is remembered, so that
 * {@link #killStragglers} can end those that outlive the command.
 */
final class CommandTree {
    private final Process command;
    private final Set<ProcessHandle> signalled = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean escalating = new java.util.concurrent.atomic.AtomicBoolean();

    CommandTree(Process command) {
        this.command = command;
    }

    Process command() {
        return command;
    }

    /** Sends SIGsignal to the command and its live descendants, parents first. */
    void send(String signal) {
        if (!command.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = parentsFirst(command.toHandle());
        signalled.addAll(tree);
        if (signal.equals("TERM")) {
            // ProcessHandle.destroy checks the start time too, so a pid reused since is left alone
            tree.forEach(ProcessHandle::destroy);
            return;
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-" + signal, "--"));
        tree.stream().filter(ProcessHandle::isAlive).forEach(p -> kill.add(Long.toString(p.pid())));
        try {
            Process k = new ProcessBuilder(kill).inheritIO().start();
            // like every helper cachectl waits for, with a deadline; a pid that exited meanwhile makes it exit 1
            if (!k.waitFor(5, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                tree.forEach(ProcessHandle::destroy);
            }
        } catch (IOException | InterruptedException e) {
            tree.forEach(ProcessHandle::destroy);
        }
    }

    /**
     * Unless the command has exited within {@code grace}, SIGKILL to it and every process under it, then
     * {@code killed}; in the background, once however many signals ask for it.
     */
    void killIfAlive(Duration grace, Runnable killed) {
        if (!escalating.compareAndSet(false, true)) {
            return;
        }
        Thread watch = new Thread(() -> {
            try {
                if (!command.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    List<ProcessHandle> tree = parentsFirst(command.toHandle());
                    signalled.addAll(tree);
                    tree.forEach(ProcessHandle::destroyForcibly);
                    killed.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cachectl-kill-after");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Once the command has exited: the processes that were signalled and are still running after
     * {@code grace} (they ignored or outlasted the signal) get SIGKILL. Returns how many. A zombie has
     * exited: where init reaps late or never (a container's), waiting for it would use up the grace and
     * count it as one that outlived the command.
     */
    int killStragglers(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (signalled.stream().anyMatch(ProcessIdentity::running) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<ProcessHandle> left = signalled.stream().filter(ProcessIdentity::running).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        return left.size();
    }

    private static List<ProcessHandle> parentsFirst(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(List.of(root));
        for (int i = 0; i < tree.size(); i++) {
            tree.get(i).children().forEach(tree::add);
        }
        return tree;
    }
}
