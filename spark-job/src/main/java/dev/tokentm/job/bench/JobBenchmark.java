package dev.tokentm.job.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.job.cli.SparkSessions;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.metrics.PerturbationTest;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
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
        description =
                "Images/s of the whole Spark job (local mode, embedded model) next to a bare batched forward+backward.")
public final class JobBenchmark implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "1000", description = "Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--methods", split = ",", defaultValue = "tokentm", description = "Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "16", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--master", defaultValue = "local[*]", description = "Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Timed seconds per bare-model measurement. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("tokentm-bench-job");
        try {
            Path sample = Path.of(System.getProperty("tokentm.sample", "data/sample/manifest.csv"))
                    .toAbsolutePath();
            Path manifest = repeatedManifest(sample, dir.resolve("manifest.csv"), images);
            VitExplainer explainer = new VitExplainer()
                    .setMethods(methods.toArray(new String[0]))
                    .setTargets("predicted")
                    .setBatchSize(batchSize);
            ExplainJob.Result job;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (SparkSession spark = SparkSessions.open("tokentm bench-job", master)) {
                job = new ExplainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8))
                        .run(new ExplainJob.Plan(
                                InputSpec.of(manifest.toString()),
                                explainer,
                                dir.resolve("out").toString(),
                                0));
            }
            double jobRate = job.imagesPerSecond();

            DjlRuntime.configure();
            VisionTransformer vit = EmbeddedModel.load(ai.djl.Device.cpu()).model();
            VitConfig c = vit.config();
            double fb;
            double f;
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray batch =
                        manager.randomUniform(0, 1, new Shape(batchSize, c.channels(), c.imageSize(), c.imageSize()));
                fb = ModelBenchmark.imagesPerSecond(batchSize, seconds, () -> {
                    try (VitTrace t = vit.trace(batch, TraceRequest.withGradients(TargetClasses.predicted()))) {
                        t.logits().getShape();
                    }
                });
                f = ModelBenchmark.imagesPerSecond(
                        batchSize, seconds, () -> vit.logits(batch).close());
            }
            // Step 0 (unperturbed) reuses the shared trace's logits: each order runs the 9 perturbed steps.
            int perturbationPasses = 2 * PerturbationTest.published().fractions().length * methods.size();
            double modelSecondsPerImage = 1 / fb + perturbationPasses / f;
            out.printf(
                    Locale.ROOT,
                    "whole job (%s, %d images, methods %s, batch %d, perturbation + segmentation tests):"
                            + " %.2f images/s (%.1f s)%n",
                    master,
                    job.explained(),
                    String.join(",", methods),
                    batchSize,
                    jobRate,
                    job.seconds());
            out.printf(
                    Locale.ROOT,
                    "bare model, batch %d: forward+backward %.1f images/s, forward %.1f images/s%n",
                    batchSize,
                    fb,
                    f);
            out.printf(Locale.ROOT, "job / bare forward+backward: %.3f%n", jobRate / fb);
            out.printf(
                    Locale.ROOT,
                    "model work per image: 1 forward+backward + %d perturbation forwards = %.1f ms "
                            + "-> %.2f images/s; job overhead (job time / model time): %.2fx%n",
                    perturbationPasses,
                    1e3 * modelSecondsPerImage,
                    1 / modelSecondsPerImage,
                    (1 / jobRate) / modelSecondsPerImage);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** {@code count} rows cycling through the sample, each under its own id, paths made absolute. */
    static Path repeatedManifest(Path sample, Path target, int count) throws Exception {
        List<String> lines = Files.readAllLines(sample);
        Path base = sample.getParent();
        List<String> rows = new ArrayList<>();
        rows.add("image_id,path,label,mask_path");
        for (int i = 0; i < count; i++) {
            String[] cells = lines.get(1 + i % (lines.size() - 1)).split(",");
            rows.add("copy-" + i + "," + base.resolve(cells[0]) + "," + cells[1] + "," + base.resolve(cells[2]));
        }
        return Files.write(target, rows);
    }
}
