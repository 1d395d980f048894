package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.VitShapleyBenchmark;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.explain.VitShapley;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-vit-shapley}: ViT Shapley against sampled Shapley values of its game ({@link VitShapleyBenchmark}). */
@Command(
        name = "bench-vit-shapley",
        mixinStandardHelpOptions = true,
        description = "ViT Shapley's values against permutation-sampled Shapley values of the same surrogate game on "
                + "held-out sample images: correlation and relative error per image, and the cost of each.")
public final class BenchVitShapleyCommand implements Callable<Integer> {

    @Option(
            names = "--explainer",
            description = "The ViT Shapley file. Default: the one trained for the embedded model.")
    String explainer;

    @Option(names = "--model", description = "The classifier it explains. Default: the embedded model.")
    String model;

    @Option(names = "--images", defaultValue = "16", description = "Sample images measured. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(
            names = "--samples",
            defaultValue = "512",
            description = "Permutations of the sampled estimate. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Override
    public Integer call() throws Exception {
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, got " + images);
        }
        DjlRuntime.configure();
        new VitShapleyBenchmark(
                        explainer != null ? explainer : VitShapley.EMBEDDED_LOCATION,
                        model != null ? model : EmbeddedModel.LOCATION,
                        images,
                        samples)
                .run(System.out);
        return 0;
    }
}
