package dev.tokentm.job.cli;

import ai.djl.Device;
import dev.tokentm.job.benchmark.ModelBenchmark;
import dev.tokentm.job.benchmark.ProtocolBenchmark;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-protocols}: each removal protocol's cost per image ({@link ProtocolBenchmark}). */
@Command(
        name = "bench-protocols",
        mixinStandardHelpOptions = true,
        description = "Each protocol's cost per image in forward passes and seconds, and ROAD's imputation time"
                + " against its model time (embedded model, committed sample).")
public final class BenchProtocolsCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            description = "A safetensors checkpoint, or a preset with random weights (the sample is resized to its"
                    + " input): ${COMPLETION-CANDIDATES}. Default: the embedded model.",
            completionCandidates = BenchModelCommand.PresetNames.class)
    String model;

    @Option(names = "--images", defaultValue = "64", description = "Sample images measured. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--tolerance",
            defaultValue = "1e-5",
            description = "ROAD's conjugate gradient tolerance (relative residual). Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configure();
        VisionTransformer vit = model == null ? EmbeddedModel.load(Device.cpu()).model() : ModelBenchmark.open(model);
        new ProtocolBenchmark(images, batchSize, tolerance)
                .run(vit, model == null ? "embedded model" : model, System.out);
        return 0;
    }
}
