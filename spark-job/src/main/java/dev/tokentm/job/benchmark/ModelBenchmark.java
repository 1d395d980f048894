package dev.tokentm.job.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.model.PassCount;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitPresets;
import dev.tokentm.udfs.model.VitTrace;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the model on this machine: images/s of a forward pass and of a forward plus one
 * backward pass with the full trace (what every gradient-based explainer pays), next to the
 * matrix-multiply GFLOP/s DJL reaches, so the model's share of the hardware limit can be read off;
 * then each explainer's cost per image in passes (counted by the model) and in time.
 *
 * @param batchSizes the batch sizes of the throughput table
 * @param seconds minimum timed seconds per measurement
 * @param methods method specs whose cost is measured
 * @param methodBatch images per batch when timing the methods
 * @param matmulSize side of the square matrices timed for GFLOP/s
 */
public record ModelBenchmark(
        List<Integer> batchSizes, double seconds, List<String> methods, int methodBatch, int matmulSize) {

    /** A preset with random weights, or a checkpoint. */
    public static VisionTransformer open(String model) {
        VitConfig preset = VitPresets.find(model);
        if (preset != null) {
            return VisionTransformer.random(preset, 0);
        }
        return ModelLoader.load(model).model();
    }

    /** Measures {@code vit} (named {@code name} in the report) and prints both tables. */
    public void run(VisionTransformer vit, String name, PrintStream out) {
        try (NDManager manager = NDManager.newBaseManager()) {
            VitConfig c = vit.config();
            double gflopPerImage = 2.0 * c.forwardMacsPerImage() / 1e9;
            out.printf(
                    Locale.ROOT,
                    "model %s: %.1fM parameters, %.3f GFLOP per image forward, %s, %d PyTorch threads%n",
                    name,
                    vit.parameters().count() / 1e6,
                    gflopPerImage,
                    vit.device(),
                    JniUtils.getNumThreads());
            double peak = Throughput.matmulGflops(manager, matmulSize, seconds);
            out.printf(Locale.ROOT, "matmul through DJL (%dx%d float32): %.1f GFLOP/s%n", matmulSize, matmulSize, peak);
            out.printf(
                    Locale.ROOT,
                    "%6s %14s %12s %11s %22s %16s%n",
                    "batch",
                    "forward img/s",
                    "fwd GFLOP/s",
                    "% of matmul",
                    "fwd+bwd+trace img/s",
                    "cost vs forward");
            for (int batch : batchSizes) {
                NDArray images = manager.randomNormal(new Shape(batch, c.channels(), c.imageSize(), c.imageSize()));
                double forward = Throughput.imagesPerSecond(
                        batch, seconds, () -> vit.logits(images).close());
                double traced = Throughput.imagesPerSecond(batch, seconds, () -> {
                    try (VitTrace t = vit.trace(images, TraceRequest.withGradients(TargetClasses.predicted()))) {
                        t.block(0).attentionGradient().getShape();
                    }
                });
                double achieved = forward * gflopPerImage;
                out.printf(
                        Locale.ROOT,
                        "%6d %14.2f %12.1f %10.1f%% %22.2f %15.2fx%n",
                        batch,
                        forward,
                        achieved,
                        100 * achieved / peak,
                        traced,
                        forward / traced);
                images.close();
            }
            methodCosts(out, vit, manager);
        }
    }

    /**
     * Each explainer's cost per image on one batch: the forward and backward passes it runs (its own
     * and the shared trace it reads, counted by the model), its time, and that time as a multiple of
     * one forward+backward pass recording the attention gradients.
     */
    private void methodCosts(PrintStream out, VisionTransformer vit, NDManager manager) {
        VitConfig c = vit.config();
        int batch = methodBatch;
        NDArray images = manager.randomNormal(new Shape(batch, c.channels(), c.imageSize(), c.imageSize()));
        TraceRequest minimal = TraceRequest.of(
                EnumSet.of(TracePoint.ATTENTION), EnumSet.of(TracePoint.ATTENTION), TargetClasses.predicted());
        double baseline = 1.0
                / Throughput.imagesPerSecond(
                        batch, seconds, () -> vit.trace(images, minimal).close());
        out.printf(
                Locale.ROOT,
                "%nexplainer cost per image at batch %d (forward+backward with attention gradients: %.2f ms/image)%n",
                batch,
                1e3 * baseline);
        out.printf(
                Locale.ROOT,
                "%-32s %10s %10s %12s %20s%n",
                "method",
                "forwards",
                "backwards",
                "ms/image",
                "x forward+backward");
        for (String spec : methods) {
            Explainer explainer = ExplainerRegistry.get(spec);
            PassCount before = vit.passes();
            explainer.explain(vit, images, TargetClasses.predicted()).close();
            PassCount passes = vit.passes().since(before);
            double perImage = 1.0
                    / Throughput.imagesPerSecond(batch, seconds, () -> explainer
                            .explain(vit, images, TargetClasses.predicted())
                            .close());
            out.printf(
                    Locale.ROOT,
                    "%-32s %10.1f %10.1f %12.2f %19.2fx%n",
                    explainer.name(),
                    (double) passes.forward() / batch,
                    (double) passes.backward() / batch,
                    1e3 * perImage,
                    perImage / baseline);
        }
        images.close();
    }
}
