package dev.tokentm.job.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.job.tools.bench.RepeatedSample;
import dev.tokentm.job.tools.bench.ScratchDirectory;
import dev.tokentm.job.tools.bench.Throughput;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.model.PassCount;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole job's throughput next to the bare model's: {@code --images} images (the committed
 * sample, repeated under distinct ids) through the Spark job in local mode, then the same model's
 * batched forward+backward and forward passes without Spark, decoding or Parquet. The model work
 * the job must do per image is one forward+backward (the shared trace) plus the perturbation
 * tests' forward passes, so "job overhead" = job time / that model time.
 */
@Command(
        name = "bench-job",
        mixinStandardHelpOptions = true,
        defaultValueProvider = BenchJobCommand.Defaults.class,
        description =
                "Images/s of the whole Spark job (local mode, embedded model) next to a bare batched forward+backward.")
public final class BenchJobCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "1000", description = "Default: ${DEFAULT-VALUE}.")
    int images;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Timed seconds per bare-model measurement. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-job")) {
            Path dir = scratch.path();
            Path manifest = repeatedSample(dir, images);
            VitExplainer explainer = explain.applyTo(new VitExplainer());
            VisionTransformer jobModel = localModel(explainer);
            PassCount before = jobModel.passes();
            ExplainJob.Result job;
            int cores;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (SparkSession spark = sparkOptions.open("tokentm bench-job")) {
                cores = spark.sparkContext().defaultParallelism();
                job = new ExplainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8))
                        .run(new ExplainJob.Plan(
                                InputSpec.of(manifest.toString()),
                                explainer,
                                dir.resolve("out").toString(),
                                0));
            }
            double jobRate = job.imagesPerSecond();
            PassCount work = jobModel.passes().since(before);

            VisionTransformer vit = jobModel;
            VitConfig c = vit.config();
            double fb;
            double f;
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray batch = manager.randomUniform(
                        0, 1, new Shape(explain.batchSize, c.channels(), c.imageSize(), c.imageSize()));
                fb = Throughput.imagesPerSecond(explain.batchSize, seconds, () -> {
                    try (VitTrace t = vit.trace(batch, TraceRequest.withGradients(TargetClasses.predicted()))) {
                        t.logits().getShape();
                    }
                });
                f = Throughput.imagesPerSecond(
                        explain.batchSize, seconds, () -> vit.logits(batch).close());
            }
            // Every pass the job made, counted: traces (forward+backward) and no-gradient forwards.
            double modelSecondsPerImage =
                    (work.backward() / fb + (work.forward() - work.backward()) / f) / job.explained();
            out.printf(
                    Locale.ROOT,
                    "whole job (%s, %d images, methods %s, batch %d, perturbation + segmentation tests):"
                            + " %.2f images/s (%.1f s)%n",
                    sparkOptions.master(),
                    job.explained(),
                    String.join(",", explain.methods),
                    explain.batchSize,
                    jobRate,
                    job.seconds());
            out.printf(
                    Locale.ROOT,
                    "bare model, batch %d: forward+backward %.1f images/s, forward %.1f images/s%n",
                    explain.batchSize,
                    fb,
                    f);
            out.printf(Locale.ROOT, "job / bare forward+backward: %.3f%n", jobRate / fb);
            out.printf(
                    Locale.ROOT,
                    "inside the model's calls: %.1f s of the job's %.1f s x %d cores (%.0f%%)%n",
                    work.seconds(),
                    job.seconds(),
                    cores,
                    100 * work.seconds() / (job.seconds() * cores));
            out.printf(
                    Locale.ROOT,
                    "model work per image (counted): %.2f forward+backward + %.2f forwards = %.1f ms "
                            + "-> %.2f images/s; job overhead (job time / model time): %.2fx%n",
                    (double) work.backward() / job.explained(),
                    (double) (work.forward() - work.backward()) / job.explained(),
                    1e3 * modelSecondsPerImage,
                    1 / modelSecondsPerImage,
                    (1 / jobRate) / modelSecondsPerImage);
        }
        return 0;
    }

    /** A manifest in {@code dir} of {@code images} rows: the committed sample under distinct ids. */
    static Path repeatedSample(Path dir, int images) throws java.io.IOException {
        Path sample = Path.of(System.getProperty(ExplainCommand.SAMPLE_PROPERTY, "data/sample/manifest.csv"))
                .toAbsolutePath();
        return RepeatedSample.manifest(sample, dir.resolve("manifest.csv"), images);
    }

    /**
     * The model the job will use, loaded now: in local mode the job's tasks use this JVM's cached
     * model, so its counters count the job's model work.
     */
    static VisionTransformer localModel(VitExplainer explainer) {
        DjlRuntime.configure();
        return ExecutorModels.get(explainer.settings(), ai.djl.Device.cpu()).model();
    }

    /** One method, the predicted class, batch 16: the job's core cost. */
    static final class Defaults extends ExplainOptions.Defaults {
        static final ExplainSettings SETTINGS = new ExplainSettings(
                null,
                null,
                null,
                List.of("tokentm"),
                List.of(TargetMode.PREDICTED),
                16,
                0,
                ImageLimits.defaults(),
                Set.of(Protocol.ZERO),
                0);

        Defaults() {
            super(SETTINGS);
        }
    }
}
