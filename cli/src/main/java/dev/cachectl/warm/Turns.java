package dev.cachectl.warm;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whose turn it is on each lane: batch {@code n} (numbered from 0 in input order) may send on a lane
 * once every batch before it has passed that lane. Every batch passes every lane, sent or not, so
 * no one waits for ever; a wait is not cut short by an interrupt for the same reason.
 */
final class Turns {
    private final long[] next;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition passed = lock.newCondition();

    Turns(int lanes) {
        this.next = new long[lanes];
    }

    void await(int lane, long batch) {
        lock.lock();
        try {
            while (next[lane] != batch) {
                passed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    void pass(int lane, long batch) {
        lock.lock();
        try {
            next[lane] = batch + 1;
            passed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
