package dev.tokentm.job.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Timing of repeated calls in this JVM: the benchmarks' clock. */
public final class Throughput {

    private Throughput() {}

    /**
     * Runs one warm-up call, then repeats the call until {@code seconds} have passed (at least
     * twice), and returns images per second.
     */
    public static double imagesPerSecond(int imagesPerCall, double seconds, Runnable call) {
        call.run();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int calls = 0;
        do {
            call.run();
            calls++;
        } while (calls < 2 || System.nanoTime() < deadline);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return calls * imagesPerCall / elapsed;
    }

    /** Sustained GFLOP/s of an n×n by n×n float32 product (2n³ floating-point operations each). */
    public static double matmulGflops(NDManager manager, int n, double seconds) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = scope.randomUniform(-1, 1, new Shape(n, n));
            double perSecond = imagesPerSecond(1, seconds, () -> a.matMul(b).close());
            return perSecond * 2.0 * n * n * n / 1e9;
        }
    }
}
