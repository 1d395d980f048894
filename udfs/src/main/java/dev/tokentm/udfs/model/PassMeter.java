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

    /** The model's blocks: a forward pass of one image is this many block passes. */
    private final int depth;

    /** Images through a block: a forward pass of one image is {@code depth} of them. */
    private final LongAdder forwardBlocks = new LongAdder();

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

    PassMeter(int depth) {
        this.depth = depth;
    }

    /** Images through a whole forward pass. */
    void forward(long images) {
        forwardBlocks.add(images * depth);
    }

    /** Images through {@code blocks} of the model's blocks: {@code blocks / depth} of a forward pass each. */
    void forwardBlocks(long images, int blocks) {
        forwardBlocks.add(images * blocks);
    }

    void backward(long images) {
        backwardImages.add(images);
    }

    /** Everything counted so far, forward passes rounded to whole images. */
    PassCount count() {
        return new PassCount(
                Math.round((double) forwardBlocks.sum() / depth), backwardImages.sum(), nanos.sum(), cpuNanos.sum());
    }
}
