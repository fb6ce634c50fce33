package dev.cachectl.bench;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ZipfTest {

    @Test
    void the_top_keys_get_the_share_the_exponent_predicts() {
        int n = 10_000;
        double s = 0.99;
        double harmonic = 0;
        for (int i = 1; i <= n; i++) {
            harmonic += 1 / Math.pow(i, s);
        }
        Zipf zipf = new Zipf(n, s);
        SplittableRandom random = new SplittableRandom(7);
        int samples = 400_000;
        int top1 = 0;
        int top10 = 0;
        for (int i = 0; i < samples; i++) {
            int rank = zipf.sample(random.nextDouble());
            top1 += rank == 0 ? 1 : 0;
            top10 += rank < 10 ? 1 : 0;
        }
        double expected10 = 0;
        for (int i = 1; i <= 10; i++) {
            expected10 += 1 / Math.pow(i, s) / harmonic;
        }
        assertEquals(1 / harmonic, top1 / (double) samples, 0.005);
        assertEquals(expected10, top10 / (double) samples, 0.01);
        assertEquals(expected10, zipf.topMass(10), 1e-9);
    }
}
