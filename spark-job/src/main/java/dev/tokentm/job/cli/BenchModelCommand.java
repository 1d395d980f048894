package dev.tokentm.job.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tokentm.job.tools.bench.Throughput;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.MethodSpec;
import dev.tokentm.udfs.model.PassCount;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitPresets;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the model on this machine: images/s of a forward pass and of a forward plus one
 * backward pass with the full trace (what every gradient-based explainer pays), next to the
 * matrix-multiply GFLOP/s DJL reaches, so the model's share of the hardware limit can be read off.
 */
@Command(
        name = "bench-model",
        mixinStandardHelpOptions = true,
        description = "Images/s of forward and forward+backward with full trace, DJL's matmul GFLOP/s, and each"
                + " explainer's cost in forward+backward passes.")
public final class BenchModelCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "vit-tiny-p16-224",
            description =
                    "A safetensors checkpoint location, or a preset with random weights: ${COMPLETION-CANDIDATES}."
                            + " Default: ${DEFAULT-VALUE}.",
            completionCandidates = PresetNames.class)
    String model;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32", description = "Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes;

    @Option(
            names = "--seconds",
            defaultValue = "3",
            description = "Minimum timed seconds per measurement. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: PyTorch's choice, one per core).")
    Integer threads;

    @Option(
            names = "--methods",
            split = MethodSpec.LIST_SEPARATOR,
            description = "Method specs to time against one forward+backward, comma-separated, e.g. "
                    + "'gae,integrated-gradients(steps=16)' (default: every registered method).")
    List<String> methods;

    @Option(
            names = "--method-batch",
            defaultValue = "8",
            description = "Images per batch when timing the methods. Default: ${DEFAULT-VALUE}.")
    int methodBatch;

    @Option(
            names = "--matmul-size",
            defaultValue = "1024",
            description = "Side of the square matrices timed for GFLOP/s. Default: ${DEFAULT-VALUE}.")
    int matmulSize;

    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return VitPresets.names().iterator();
        }
    }

    @Override
    public Integer call() {
        if (threads != null) {
            System.setProperty("tokentm.threads", threads.toString());
        }
        DjlRuntime.configure();
        PrintStream out = System.out;
        try (VisionTransformer vit = open(model);
                NDManager manager = NDManager.newBaseManager()) {
            VitConfig c = vit.config();
            double gflopPerImage = 2.0 * c.forwardMacsPerImage() / 1e9;
            out.printf(
                    Locale.ROOT,
                    "model %s: %.1fM parameters, %.3f GFLOP per image forward, %s, %d PyTorch threads%n",
                    model,
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
            printMethodCosts(out, vit, manager, methodBatch);
        }
        return 0;
    }

    /**
     * Each explainer's cost per image on one batch: the forward and backward passes it runs (its own
     * and the shared trace it reads, counted by the model), its time, and that time as a multiple of
     * one forward+backward pass recording the attention gradients.
     */
    private void printMethodCosts(PrintStream out, VisionTransformer vit, NDManager manager, int batch) {
        VitConfig c = vit.config();
        List<String> names = methods != null ? methods : ExplainerRegistry.names();
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
        for (String name : names) {
            Explainer explainer = ExplainerRegistry.get(name);
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

    /** A preset with random weights, or a checkpoint. */
    static VisionTransformer open(String model) {
        VitConfig preset = VitPresets.find(model);
        if (preset != null) {
            return VisionTransformer.random(preset, 0);
        }
        return ModelLoader.load(model).model();
    }
}
