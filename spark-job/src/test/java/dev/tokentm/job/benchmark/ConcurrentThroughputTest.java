package dev.tokentm.job.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The bare-model timer's callers run at once, each with its own call, and their threads' CPU is
 * counted.
 */
class ConcurrentThroughputTest {

    /**
     * Each caller gets its own call, and the callers run at once: three callers whose calls each
     * wait 5 ms deliver more than any one caller could (4 images per 5 ms at most), and no more
     * than three could.
     */
    @Test
    void callersRunAtOnceEachWithItsOwnCall() throws InterruptedException {
        DjlRuntime.configure();
        AtomicIntegerArray built = new AtomicIntegerArray(3);
        ConcurrentThroughput.Window window = ConcurrentThroughput.measure(3, 1, 4, 0.1, caller -> {
            built.incrementAndGet(caller);
            return () -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        });
        double rate = window.imagesPerSecond();
        assertArrayEquals(new int[] {1, 1, 1}, new int[] {built.get(0), built.get(1), built.get(2)});
        assertTrue(rate <= 3 * 4 / 0.005, "rate " + rate + " above three callers' limit");
        assertTrue(rate > 1.5 * 4 / 0.005, "rate " + rate + ": the callers did not run at once");
        // Sleeping callers' threads use next to no CPU: together well under one core for the window.
        assertTrue(
                window.callerCpuSeconds() >= 0 && window.callerCpuSeconds() < 0.5 * window.seconds(),
                "callers' CPU " + window.callerCpuSeconds() + " s while sleeping for " + window.seconds() + " s");
    }
}
