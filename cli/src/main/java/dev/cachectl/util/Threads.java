package dev.cachectl.util;

import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The thread plumbing of the bulk jobs (warm, migrate): daemon workers, and queue hand-offs and joins
 * that an interrupt does not cut short, because an end marker always follows and every worker ends.
 * An interrupt received meanwhile is kept for the caller.
 */
public final class Threads {

    private Threads() {
    }

    /** A started daemon thread: a stuck worker never keeps the JVM from exiting. */
    public static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public static <T> void putUninterruptibly(BlockingQueue<T> queue, T item) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    queue.put(item);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static <T> T takeUninterruptibly(BlockingQueue<T> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for every thread to end. */
    public static void joinUninterruptibly(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
