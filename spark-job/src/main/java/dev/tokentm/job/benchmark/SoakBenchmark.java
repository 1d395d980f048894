package dev.tokentm.job.benchmark;

import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.ResidentMemory;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * A long run of the job, not a test: images (the committed sample under distinct ids) through the
 * Spark job in local mode, printing every {@code every} seconds the images explained (counted by the
 * model's backward passes: one trace per image and target), the rate over the last interval and the
 * JVM's resident memory, which in local mode is the executor's. The end says whether cost stayed
 * linear (the second half's rate against the first's) and memory flat (resident memory's growth after
 * the first tenth).
 *
 * @param images images through the job
 * @param every seconds between lines
 */
public record SoakBenchmark(int images, int every) {

    /** bench-job's settings without the perturbation test: TokenTM, predicted class, segmentation. */
    public static final dev.tokentm.udfs.spark.ExplainSettings SETTINGS = JobBenchmark.SETTINGS.withProtocols(Set.of());

    /** One line of the curve. */
    record Sample(double seconds, long images, double rate, long residentMb, long heapMb) {}

    /** Runs the job, printing the curve and then its summary; {@code master} is what the summary names. */
    public void run(SparkSession spark, VitExplainer explainer, String master, PrintStream out) throws IOException {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokentm-soak");
            t.setDaemon(true);
            return t;
        });
        try (ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-soak")) {
            Path dir = scratch.path();
            Path manifest = JobBenchmark.repeatedSample(dir.resolve("manifest.csv"), images);
            VisionTransformer model = JobBenchmark.localModel(explainer);
            int targets = explainer.settings().targets().size();
            long start = System.nanoTime();
            long before = model.passes().backward();
            List<Sample> curve = new ArrayList<>();
            out.println("seconds,images,images_per_s,resident_mb,heap_mb");
            ticker.scheduleAtFixedRate(
                    () -> out.println(line(sample(curve, start, (model.passes().backward() - before) / targets))),
                    every,
                    every,
                    TimeUnit.SECONDS);
            ExplainJob.Result job = JobBenchmark.job(spark, explainer, manifest, dir.resolve("out"));
            ticker.shutdownNow();
            out.printf(
                    Locale.ROOT,
                    "%,d images in %.0f s: %.1f images/s (%s, methods %s, protocols %s)%n",
                    job.explained(),
                    job.seconds(),
                    job.imagesPerSecond(),
                    master,
                    String.join(",", explainer.settings().methods()),
                    explainer.settings().protocols());
            summarize(curve, out);
        } finally {
            ticker.shutdownNow();
        }
    }

    /** Adds the curve's next point: images done, the rate since the last point, memory. */
    private static Sample sample(List<Sample> curve, long start, long done) {
        double t = (System.nanoTime() - start) / 1e9;
        Sample previous = curve.isEmpty() ? new Sample(0, 0, 0, 0, 0) : curve.get(curve.size() - 1);
        Runtime rt = Runtime.getRuntime();
        Sample s = new Sample(
                t,
                done,
                (done - previous.images()) / (t - previous.seconds()),
                ResidentMemory.kilobytes() >> 10,
                (rt.totalMemory() - rt.freeMemory()) >> 20);
        curve.add(s);
        return s;
    }

    private static String line(Sample s) {
        return String.format(
                Locale.ROOT, "%.0f,%d,%.1f,%d,%d", s.seconds(), s.images(), s.rate(), s.residentMb(), s.heapMb());
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
}
