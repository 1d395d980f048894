package dev.tokentm.job.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.job.benchmark.ConcurrentThroughput.Window;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The bare model's windows, forward+backward (the shared trace) and forward alone, run as the job's
 * tasks run them (one caller per core, each with its PyTorch threads), the two kinds alternating so
 * both see the same drift.
 */
record BareRates(Window[] forwardBackward, Window[] forward) {

    static BareRates measure(VisionTransformer vit, int callers, int threads, int batchSize, double seconds, int rounds)
            throws InterruptedException {
        VitConfig c = vit.config();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> batches = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                batches.add(
                        manager.randomUniform(0, 1, new Shape(batchSize, c.channels(), c.imageSize(), c.imageSize())));
            }
            Window[] fb = new Window[rounds];
            Window[] f = new Window[rounds];
            for (int r = 0; r < rounds; r++) {
                fb[r] = ConcurrentThroughput.measure(callers, threads, batchSize, seconds, i -> () -> {
                    try (VitTrace t =
                            vit.trace(batches.get(i), TraceRequest.withGradients(TargetClasses.predicted()))) {
                        t.logits().getShape();
                    }
                });
                f[r] = ConcurrentThroughput.measure(
                        callers,
                        threads,
                        batchSize,
                        seconds,
                        i -> () -> vit.logits(batches.get(i)).close());
            }
            return new BareRates(fb, f);
        }
    }

    /** Both measurements' windows together. */
    BareRates and(BareRates other) {
        return new BareRates(concat(forwardBackward, other.forwardBackward), concat(forward, other.forward));
    }

    /** The median over windows of one of their values. */
    static double median(Window[] windows, ToDoubleFunction<Window> value) {
        double[] sorted = Arrays.stream(windows).mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A per-window count per image over all windows: their sum over their images. */
    static double pooled(Window[] windows, ToDoubleFunction<Window> count) {
        return Arrays.stream(windows).mapToDouble(count).sum()
                / Arrays.stream(windows).mapToLong(Window::images).sum();
    }

    /** Each window's images/s, space separated. */
    static String rates(Window[] windows) {
        return Arrays.stream(windows)
                .map(w -> String.format(Locale.ROOT, "%.0f", w.imagesPerSecond()))
                .collect(Collectors.joining(" "));
    }

    private static Window[] concat(Window[] a, Window[] b) {
        Window[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
