package dev.tokentm.job.benchmark;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Images per second of a call made by several threads at once, each with its own PyTorch thread
 * count: the model run as Spark's tasks run it (one caller per task, {@code spark.task.cpus}
 * PyTorch threads each), so a job's time can be compared with its model work done the same way.
 */
public final class ConcurrentThroughput {

    private ConcurrentThroughput() {}

    /**
     * One timed window: the images of all callers' timed calls, the seconds until the last caller
     * stopped, the CPU the process used meanwhile, and the callers' own threads' CPU in their timed
     * calls (as a model counts its calls' CPU, {@code PassCount#cpuNanos}).
     */
    public record Window(long images, double seconds, CpuUse cpu, double callerCpuSeconds) {

        public double imagesPerSecond() {
            return images / seconds;
        }

        /** CPU seconds per image the process spent, less its JIT compiler threads' (NaN where unknown). */
        public double cpuSecondsPerImage() {
            return (cpu.process() - cpu.compiler()) / images;
        }

        /** The callers' threads' CPU seconds per image. */
        public double callerCpuSecondsPerImage() {
            return callerCpuSeconds / images;
        }
    }

    /**
     * Starts {@code callers} threads; caller {@code i} sets {@code threadsPerCaller} PyTorch
     * threads, takes {@code callOf.apply(i)} (its own inputs), makes one untimed call, then repeats
     * it until {@code seconds} have passed since all started timing (at least twice).
     */
    public static Window measure(
            int callers, int threadsPerCaller, int imagesPerCall, double seconds, IntFunction<Runnable> callOf)
            throws InterruptedException {
        Engine.getEngine("PyTorch"); // loads the native library that setting the thread count calls
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CyclicBarrier ready = new CyclicBarrier(callers);
            long[] startNanos = new long[1];
            CpuUse[] startCpu = new CpuUse[1];
            ThreadMXBean threadCpu = ManagementFactory.getThreadMXBean();
            LongAdder callerCpuNanos = new LongAdder();
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int caller = i;
                calls.add(pool.submit(() -> {
                    JniUtils.setNumThreads(threadsPerCaller);
                    Runnable call = callOf.apply(caller);
                    call.run();
                    if (ready.await() == 0) {
                        startCpu[0] = CpuUse.now();
                        startNanos[0] = System.nanoTime();
                    }
                    ready.await();
                    long deadline = startNanos[0] + (long) (seconds * 1e9);
                    long cpuStart = threadCpu.getCurrentThreadCpuTime();
                    int n = 0;
                    do {
                        call.run();
                        n++;
                    } while (n < 2 || System.nanoTime() < deadline);
                    callerCpuNanos.add(threadCpu.getCurrentThreadCpuTime() - cpuStart);
                    return n;
                }));
            }
            long images = 0;
            for (Future<Integer> f : calls) {
                images += (long) f.get() * imagesPerCall;
            }
            double elapsed = (System.nanoTime() - startNanos[0]) / 1e9;
            return new Window(images, elapsed, CpuUse.now().since(startCpu[0]), callerCpuNanos.sum() / 1e9);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a timed call failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
