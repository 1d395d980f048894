package dev.tokentm.job.cli;

import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.job.tools.bench.ScratchDirectory;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.ResidentMemory;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A long run of the job, not a test: {@code --images} images (the committed sample under distinct
 * ids) through the Spark job in local mode, printing every {@code --every} seconds the images
 * explained (counted by the model's backward passes: one trace per image and target), the rate
 * over the last interval and the JVM's resident memory, which in local mode is the executor's.
 * The end says whether cost stayed linear (the second half's rate against the first's) and memory
 * flat (resident memory's growth after the first tenth).
 */
@Command(
        name = "bench-soak",
        mixinStandardHelpOptions = true,
        defaultValueProvider = BenchSoakCommand.Defaults.class,
        description = "Images/s and resident memory over a long local run of the job (not part of the tests).")
public final class BenchSoakCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "100000", description = "Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--every", defaultValue = "30", description = "Seconds between lines. Default: ${DEFAULT-VALUE}.")
    int every;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SparkOptions sparkOptions;

    /** One line of the curve. */
    record Sample(double seconds, long images, double rate, long residentMb, long heapMb) {}

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokentm-soak");
            t.setDaemon(true);
            return t;
        });
        try (ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-soak")) {
            Path dir = scratch.path();
            Path manifest = BenchJobCommand.repeatedSample(dir.resolve("manifest.csv"), images);
            VitExplainer explainer = explain.applyTo(new VitExplainer());
            VisionTransformer model = BenchJobCommand.localModel(explainer);
            int targets = explainer.settings().targets().size();
            long start = System.nanoTime();
            long before = model.passes().backward();
            List<Sample> curve = new ArrayList<>();
            out.println("seconds,images,images_per_s,resident_mb,heap_mb");
            ticker.scheduleAtFixedRate(
                    () -> {
                        double t = (System.nanoTime() - start) / 1e9;
                        long done = (model.passes().backward() - before) / targets;
                        Sample previous = curve.isEmpty() ? new Sample(0, 0, 0, 0, 0) : curve.get(curve.size() - 1);
                        Runtime rt = Runtime.getRuntime();
                        Sample s = new Sample(
                                t,
                                done,
                                (done - previous.images()) / (t - previous.seconds()),
                                ResidentMemory.kilobytes() >> 10,
                                (rt.totalMemory() - rt.freeMemory()) >> 20);
                        curve.add(s);
                        out.printf(
                                Locale.ROOT,
                                "%.0f,%d,%.1f,%d,%d%n",
                                s.seconds(),
                                s.images(),
                                s.rate(),
                                s.residentMb(),
                                s.heapMb());
                    },
                    every,
                    every,
                    TimeUnit.SECONDS);
            ExplainJob.Result job;
            try (SparkSession spark = sparkOptions.open("tokentm bench-soak")) {
                job = new ExplainJob(spark, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                        .run(new ExplainJob.Plan(
                                InputSpec.of(manifest.toString()),
                                explainer,
                                dir.resolve("out").toString(),
                                0));
            }
            ticker.shutdownNow();
            out.printf(
                    Locale.ROOT,
                    "%,d images in %.0f s: %.1f images/s (%s, methods %s, protocols %s)%n",
                    job.explained(),
                    job.seconds(),
                    job.imagesPerSecond(),
                    sparkOptions.master(),
                    String.join(",", explain.methods()),
                    explainer.settings().protocols());
            summarize(curve, out);
        } finally {
            ticker.shutdownNow();
        }
        return 0;
    }

    /**
     * Linear cost: the rate over the second half against the rate from the first tenth to the half;
     * flat memory: resident memory after the first tenth.
     */
    static void summarize(List<Sample> curve, PrintStream out) {
        if (curve.size() < 4) {
            return;
        }
        Sample last = curve.get(curve.size() - 1);
        Sample half = curve.stream()
                .filter(s -> s.images() >= last.images() / 2)
                .findFirst()
                .orElse(last);
        Sample tenth = curve.stream()
                .filter(s -> s.images() >= last.images() / 10)
                .findFirst()
                .orElse(last);
        if (!(tenth.seconds() < half.seconds() && half.seconds() < last.seconds())) {
            return; // too short a run for a curve
        }
        // From the first tenth on: Spark's start and the model's warm-up are not the job's steady cost.
        double firstRate = (half.images() - tenth.images()) / (half.seconds() - tenth.seconds());
        double secondRate = (last.images() - half.images()) / (last.seconds() - half.seconds());
        long peak = curve.stream()
                .filter(s -> s.seconds() >= tenth.seconds())
                .mapToLong(Sample::residentMb)
                .max()
                .orElse(0);
        out.printf(
                Locale.ROOT,
                "rate: tenth to half %.1f, second half %.1f images/s (%.2fx); resident memory %d MB at a tenth, "
                        + "%d MB at the end, %d MB at most after a tenth%n",
                firstRate,
                secondRate,
                secondRate / firstRate,
                tenth.residentMb(),
                last.residentMb(),
                peak);
    }

    /** bench-job's settings without the perturbation test: TokenTM, predicted class, segmentation. */
    static final class Defaults extends ExplainOptions.Defaults {
        Defaults() {
            super(BenchJobCommand.Defaults.SETTINGS.withProtocols(Set.of()));
        }
    }
}
