package dev.cachectl.batch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

    @Test
    void never_lets_more_than_the_rate_through() throws InterruptedException {
        RateLimiter limiter = RateLimiter.perSecond(200);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            limiter.acquire(10);
        }
        // 100 items at 200/s: the first batch goes at once, the other 90 items need at least 0.45 s
        assertTrue(System.nanoTime() - start >= 440_000_000L, "rate limit not applied");
    }

    @Test
    void zero_means_unlimited() throws InterruptedException {
        RateLimiter limiter = RateLimiter.perSecond(0);
        long start = System.nanoTime();
        limiter.acquire(1_000_000);
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }
}
