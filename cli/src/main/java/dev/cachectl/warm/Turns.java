package dev.cachectl.warm;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whose turn it is: batch {@code n} (numbered from 0 in input order) goes once every batch before it
 * has passed. Every batch passes, handed on or not, so no one waits for ever; a wait is not cut short
 * by an interrupt for the same reason.
 */
final class Turns {
    private long next;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition passed = lock.newCondition();

    void await(long batch) {
        lock.lock();
        try {
            while (next != batch) {
                passed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    void pass(long batch) {
        lock.lock();
        try {
            next = batch + 1;
            passed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
