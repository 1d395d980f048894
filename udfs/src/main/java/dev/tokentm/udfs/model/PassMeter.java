package dev.tokentm.udfs.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counts what a model does, for cost measurements: the images of every forward and backward pass,
 * and the wall and calling-thread CPU time of its calls. Safe to use from many threads at once.
 */
final class PassMeter {

    /** Reads each call's CPU time on its own thread (Linux: a clock_gettime, about a microsecond). */
    private static final ThreadMXBean CALLER_CPU = ManagementFactory.getThreadMXBean();

    private final LongAdder forwardImages = new LongAdder();
    private final LongAdder backwardImages = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();

    /** A call of the model, its wall and CPU time counted. */
    <T> T time(Supplier<T> call) {
        long start = System.nanoTime();
        long cpuStart = CALLER_CPU.getCurrentThreadCpuTime();
        try {
            return call.get();
        } finally {
            nanos.add(System.nanoTime() - start);
            cpuNanos.add(CALLER_CPU.getCurrentThreadCpuTime() - cpuStart);
        }
    }

    void forward(long images) {
        forwardImages.add(images);
    }

    void backward(long images) {
        backwardImages.add(images);
    }

    /** Everything counted so far. */
    PassCount count() {
        return new PassCount(forwardImages.sum(), backwardImages.sum(), nanos.sum(), cpuNanos.sum());
    }
}
