package dev.tokentm.job.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * The timer runs at least the requested time after one uncounted warm-up, counts at least two
 * calls, and its rate lies between the counted calls over their own time and over the whole call.
 */
class ThroughputTest {

    /**
     * What the timer promises, whatever the machine's speed: one uncounted warm-up call, then calls
     * until the requested time has passed (at least two), and the rate is the counted calls' images
     * over the time they took.
     */
    @Test
    void timesCallsForAtLeastTheRequestedDurationAndCountsThem() {
        int[] calls = {0};
        long[] firstCounted = {0};
        long[] lastEnd = {0};
        double seconds = 0.05;
        long outerStart = System.nanoTime();
        double rate = Throughput.imagesPerSecond(4, seconds, () -> {
            calls[0]++;
            if (calls[0] == 2) {
                firstCounted[0] = System.nanoTime();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lastEnd[0] = System.nanoTime();
        });
        double outer = (System.nanoTime() - outerStart) / 1e9;
        int counted = calls[0] - 1;
        double timed = (lastEnd[0] - firstCounted[0]) / 1e9;
        assertTrue(timed >= seconds * 0.999, "ran " + timed + " s of the requested " + seconds);
        assertTrue(counted >= 2, "at least two counted calls, got " + counted);
        // Each call sleeps at least 5 ms, so no rate above 4 images / 5 ms is possible...
        assertTrue(rate <= 4 / 0.005, "rate " + rate);
        // ...and the rate is the counted calls' images over the time they took: at most over the
        // counted calls alone, at least over the whole call, warm-up included.
        assertTrue(rate <= 4 * counted / timed, "rate " + rate + " from " + counted + " calls in " + timed + " s");
        assertTrue(rate >= 4 * counted / outer, "rate " + rate + " from " + counted + " calls in " + outer + " s");
    }

    @Test
    void stopsAfterTwoCallsWhenOneCallOutlastsTheRequestedTime() {
        int[] calls = {0};
        Throughput.imagesPerSecond(1, 0.001, () -> {
            calls[0]++;
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(3, calls[0], "one warm-up and two counted calls");
    }

    @Test
    void measuresAPositiveMatmulRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(Throughput.matmulGflops(m, 64, 0.02) > 0);
        }
    }
}
