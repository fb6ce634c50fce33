package dev.cachectl.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The load of a server whose clients wait for each reply ({@link BlockingClient}): each client on a thread of its
 * own, measuring into its own stats of the {@link LoadRun}. Keys, mix and values are picked as
 * {@link RedisLoadLoop} picks them. Closed loop: the next operation goes out when the last is answered. Open loop:
 * operation {@code g} is due at {@code start + g / rate}, client {@code g mod clients} sends it, and its latency
 * counts from when it was due, so a client held up by a slow reply shows it in the latency of every operation that
 * waited behind it (coordinated omission corrected); service time counts from the actual send. A {@code pipeline}
 * above 1 sends that many SETs in one request (the preload's; a SET-only workload).
 */
public final class BlockingLoadLoop implements Runnable {
    private static final long PARK_NANOS = 100_000_000L;

    private final BlockingClient client;
    private final LoadRun run;
    private final ThreadStats stats;
    private final Workload workload;
    private final KeyPicker picker;
    private final int pipeline;
    private final boolean open;
    private final double intervalNanos;
    private final int workers;
    private final byte[] value;
    private final byte[] fixed;
    private long quota;
    private long scheduled;

    private BlockingLoadLoop(BlockingClient client, LoadRun run, int worker, int workers, Workload workload,
                             LoadShape shape, Zipf zipf, byte[] value) {
        this.client = client;
        this.run = run;
        this.stats = run.stats[worker];
        this.workload = workload;
        this.picker = new KeyPicker(workload, zipf, worker, workers);
        this.pipeline = shape.pipeline();
        this.open = shape.openLoop();
        this.intervalNanos = open ? 1e9 / shape.rate() : 0;
        this.workers = workers;
        this.value = value;
        this.fixed = workload.minSize() == workload.maxSize() ? value : null;
        this.quota = shape.requests() == 0 ? Long.MAX_VALUE
                : shape.requests() / workers + (worker < shape.requests() % workers ? 1 : 0);
        this.scheduled = worker;
        if (pipeline > 1 && workload.hasGets()) {
            throw new IllegalArgumentException("a pipeline of blocking requests holds SETs only");
        }
    }

    /**
     * Runs {@code workload} over {@code clients}, one thread each ({@code run} measures into as many stats), and
     * returns when every one is done or the run stopped; an interrupt stops the run.
     */
    public static void drive(List<? extends BlockingClient> clients, Workload workload, LoadShape shape, LoadRun run) {
        if (clients.size() != run.stats.length) {
            throw new IllegalArgumentException(clients.size() + " clients for " + run.stats.length + " stats");
        }
        byte[] value = workload.valueBytes();
        Zipf zipf = workload.zipfTable();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            BlockingLoadLoop loop = new BlockingLoadLoop(clients.get(c), run, c, clients.size(), workload, shape, zipf, value);
            Thread t = new Thread(loop, "bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        run.runAll(threads);
    }

    @Override
    public void run() {
        String[] keys = new String[pipeline];
        byte[][] values = new byte[pipeline][];
        long[] intended = new long[pipeline];
        boolean[] measured = new boolean[pipeline];
        int[] kinds = new int[pipeline];
        long completed = 0;
        long errors = 0;
        try {
            while (true) {
                int n = 0;
                while (n < pipeline && quota > 0) {
                    long due = next();
                    if (due < 0) {
                        break;
                    }
                    measured[n] = due >= run.measureFromNanos;
                    if (measured[n] && quota != Long.MAX_VALUE) {
                        quota--;
                    }
                    intended[n] = due;
                    kinds[n] = picker.isSet() ? RedisLoadLoop.SET : RedisLoadLoop.GET;
                    keys[n] = workload.key(picker.keyIndex());
                    values[n] = kinds[n] == RedisLoadLoop.SET ? value() : null;
                    n++;
                    if (open) {
                        break;
                    }
                }
                if (n == 0) {
                    return;
                }
                long sent = System.nanoTime();
                boolean hit = false;
                boolean error = false;
                try {
                    if (n > 1) {
                        client.setAll(keys, values, n);
                    } else if (kinds[0] == RedisLoadLoop.SET) {
                        client.set(keys[0], values[0]);
                    } else {
                        hit = client.get(keys[0]);
                    }
                } catch (BlockingClient.Refused e) {
                    error = true;
                    if (stats.firstError == null) {
                        stats.firstError = e.getMessage();
                    }
                }
                long done = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (!measured[i]) {
                        continue;
                    }
                    completed++;
                    stats.perNode[0]++;
                    if (error) {
                        errors++;
                    } else if (kinds[i] == RedisLoadLoop.GET) {
                        if (hit) {
                            stats.hits++;
                        } else {
                            stats.misses++;
                        }
                    }
                    stats.latency[kinds[i]].recordValue(ThreadStats.micros(done - intended[i]));
                    stats.service[kinds[i]].recordValue(ThreadStats.micros(done - sent));
                }
                stats.completed = completed;
                stats.errors = errors;
            }
        } catch (BlockingClient.Lost e) {
            run.fail(e.getMessage());
        } catch (RuntimeException e) {
            run.fail("the client failed: " + dev.cachectl.CachectlException.withoutJavaNames(String.valueOf(e.getMessage())));
        } finally {
            stats.completed = completed;
            stats.errors = errors;
        }
    }

    /**
     * When the next operation is due (closed loop: now), after waiting for it in an open loop; -1 when the run is
     * over or stopped.
     */
    private long next() {
        while (true) {
            long now = System.nanoTime();
            if (run.stopped() || now >= run.endNanos) {
                return -1;
            }
            if (!open) {
                return now;
            }
            long due = run.startNanos + (long) (scheduled * intervalNanos);
            if (due >= run.endNanos) {
                return -1;
            }
            if (due <= now) {
                scheduled += workers;
                return due;
            }
            LockSupport.parkNanos(Math.min(due - now, PARK_NANOS));
        }
    }

    private byte[] value() {
        return fixed != null ? fixed : Arrays.copyOf(value, picker.size());
    }
}
