package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.ModelBenchmark;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.MethodSpec;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitPresets;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-model}: the model's throughput and each explainer's cost ({@link ModelBenchmark}). */
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

    /** Every registered method the model can run (ViT Shapley only with an explainer trained for it). */
    private static java.util.List<String> applicable(dev.tokentm.udfs.model.VitConfig config) {
        return ExplainerRegistry.names().stream()
                .filter(name -> {
                    try {
                        ExplainerRegistry.get(name).checkModel(config);
                        return true;
                    } catch (RuntimeException e) {
                        return false;
                    }
                })
                .toList();
    }

    @Override
    public Integer call() {
        if (threads != null) {
            System.setProperty("tokentm.threads", threads.toString());
        }
        DjlRuntime.configure();
        try (VisionTransformer vit = ModelBenchmark.open(model)) {
            new ModelBenchmark(
                            batchSizes,
                            seconds,
                            methods != null ? methods : applicable(vit.config()),
                            methodBatch,
                            matmulSize)
                    .run(vit, model, System.out);
        }
        return 0;
    }
}
