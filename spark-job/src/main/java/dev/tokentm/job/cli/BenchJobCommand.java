package dev.tokentm.job.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.job.tools.bench.ConcurrentThroughput;
import dev.tokentm.job.tools.bench.ConcurrentThroughput.Window;
import dev.tokentm.job.tools.bench.CpuUse;
import dev.tokentm.job.tools.bench.RepeatedSample;
import dev.tokentm.job.tools.bench.ScratchDirectory;
import dev.tokentm.job.tools.bench.TaskTime;
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
import dev.tokentm.udfs.runtime.NativeHeap;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole job's throughput next to the bare model's: {@code --images} images (the committed
 * sample, repeated under distinct ids) through the Spark job in local mode, then the same model's
 * batched forward+backward and forward passes without Spark, decoding or Parquet, run as the job's
 * tasks run them (one caller per core, {@code spark.task.cpus} PyTorch threads each), timed just
 * before and just after the job. Every pass the job's model made is counted (traces and
 * no-gradient forwards), so "job overhead" = job time / what those passes cost at the bare rates.
 * A first, untimed job of {@code --warm-up-images} images loads and compiles what every job
 * needs, so the timed job costs what a long job costs per image.
 */
@Command(
        name = "bench-job",
        mixinStandardHelpOptions = true,
        defaultValueProvider = BenchJobCommand.Defaults.class,
        description = "Images/s of the whole Spark job (local mode, embedded model) next to its model work done bare.")
public final class BenchJobCommand implements Callable<Integer> {

    @Option(
            names = "--images",
            defaultValue = "3000",
            description = "Images through the timed job: enough that the JIT compiler's work after the warm-up job"
                    + " (about 10 CPU-s in the first 1,000 images here) is a small share. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(
            names = "--warm-up-images",
            defaultValue = "64",
            description = "Images through a first, untimed job (class loading, JIT compilation, the first query"
                    + " plans); 0 times the JVM's first job. Default: ${DEFAULT-VALUE}.")
    int warmUpImages;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--seconds",
            defaultValue = "1",
            description = "Seconds of one bare-model window. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Bare-model windows of each kind before the job and again after it; the floor is their"
                    + " median. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-job")) {
            Path dir = scratch.path();
            VitExplainer explainer = explain.applyTo(new VitExplainer());
            VisionTransformer model = localModel(explainer);
            try (SparkSession spark = sparkOptions.open("tokentm bench-job")) {
                int cores = spark.sparkContext().defaultParallelism();
                int threads = explainer.settings().threads() > 0
                        ? explainer.settings().threads()
                        : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
                if (warmUpImages > 0) {
                    ExplainJob.Result warm = run(
                            spark,
                            explainer,
                            repeatedSample(dir.resolve("warm.csv"), warmUpImages),
                            dir.resolve("warm-out"));
                    out.printf(
                            Locale.ROOT,
                            "warm-up job, untimed: %d images in %.1f s%n",
                            warm.explained(),
                            warm.seconds());
                }
                BareRates before = BareRates.measure(model, cores, threads, explain.batchSize, seconds, rounds);
                Path manifest = repeatedSample(dir.resolve("manifest.csv"), images);
                PassCount start = model.passes();
                ExplainJob.Result job;
                TaskTotals tasks;
                try (TaskTime time = TaskTime.register(spark.sparkContext(), ExplainJob.EXPLAIN_JOBS)) {
                    job = run(spark, explainer, manifest, dir.resolve("out"));
                    tasks = new TaskTotals(time.seconds(), time.cpuSeconds(), time.cpu());
                }
                PassCount work = model.passes().since(start);
                BareRates after = BareRates.measure(model, cores, threads, explain.batchSize, seconds, rounds);
                report(out, explainer.settings(), job, work, tasks, before, after, cores, threads);
            }
        }
        return 0;
    }

    private static ExplainJob.Result run(SparkSession spark, VitExplainer explainer, Path manifest, Path output) {
        // The job's own lines (progress, metrics table) are not this benchmark's output.
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new ExplainJob(spark, quiet)
                .run(new ExplainJob.Plan(InputSpec.of(manifest.toString()), explainer, output.toString(), 0));
    }

    private void report(
            PrintStream out,
            ExplainSettings settings,
            ExplainJob.Result job,
            PassCount work,
            TaskTotals tasks,
            BareRates before,
            BareRates after,
            int cores,
            int threads) {
        double taskSeconds = tasks.seconds();
        BareRates all = before.and(after);
        double fb = median(all.forwardBackward(), Window::imagesPerSecond);
        double f = median(all.forward(), Window::imagesPerSecond);
        double fbCpu = median(all.forwardBackward(), Window::cpuSecondsPerImage);
        double fCpu = median(all.forward(), Window::cpuSecondsPerImage);
        double fbCallerCpu = median(all.forwardBackward(), Window::callerCpuSecondsPerImage);
        double fCallerCpu = median(all.forward(), Window::callerCpuSecondsPerImage);
        double traces = (double) work.backward() / job.explained();
        double forwards = (double) (work.forward() - work.backward()) / job.explained();
        double modelSecondsPerImage = traces / fb + forwards / f;
        double jobRate = job.imagesPerSecond();
        double coreSeconds = job.seconds() * cores;
        out.printf(
                Locale.ROOT,
                "whole job (%s, %d images, methods %s, targets %s, batch %d, protocols %s): %.2f images/s (%.1f s)%n",
                sparkOptions.master(),
                job.explained(),
                String.join(",", explain.methods),
                settings.targets(),
                explain.batchSize,
                settings.protocols(),
                jobRate,
                job.seconds());
        out.printf(
                Locale.ROOT,
                "bare model, batch %d, %d callers x %d threads, median of %d windows before and after the job:"
                        + " forward+backward %.1f images/s (%s), forward %.1f images/s (%s)%n",
                explain.batchSize,
                cores,
                threads,
                2 * rounds,
                fb,
                windows(before.forwardBackward(), after.forwardBackward()),
                f,
                windows(before.forward(), after.forward()));
        out.printf(
                Locale.ROOT,
                "core time %.1f s (%.1f s x %d cores): inside the model's calls %.1f s (%.0f%%), in tasks outside them"
                        + " %.1f s (%.0f%%), no task running %.1f s (%.0f%%)%n",
                coreSeconds,
                job.seconds(),
                cores,
                work.seconds(),
                100 * work.seconds() / coreSeconds,
                taskSeconds - work.seconds(),
                100 * (taskSeconds - work.seconds()) / coreSeconds,
                coreSeconds - taskSeconds,
                100 * (coreSeconds - taskSeconds) / coreSeconds);
        CpuUse cpu = tasks.cpu();
        boolean detailed = cpu != null && cpu.detailed(); // Linux's /proc; null if no explaining job ended
        if (detailed) {
            out.printf(
                    Locale.ROOT,
                    "CPU from its first Spark job's start to its last one's end: this process %.1f s (Spark's tasks"
                            + " %.1f s, %.1f s of it inside the model's calls; the JIT compiler %.1f s; other threads"
                            + " %.1f s); the machine's CPUs: stolen by the hypervisor %.1f s, idle %.1f s%n",
                    cpu.process(),
                    tasks.cpuSeconds(),
                    work.cpuSeconds(),
                    cpu.compiler(),
                    cpu.process() - tasks.cpuSeconds() - cpu.compiler(),
                    cpu.stolen(),
                    cpu.idle());
            double bareFaults =
                    traces * pooled(all.forwardBackward(), w -> w.cpu().pageFaults())
                            + forwards * pooled(all.forward(), w -> w.cpu().pageFaults());
            out.printf(
                    Locale.ROOT,
                    "page faults: the job %.0f (%.1f per image), the model work bare %.1f per image; native memory:"
                            + " %s%n",
                    cpu.pageFaults(),
                    cpu.pageFaults() / job.explained(),
                    bareFaults,
                    NativeHeap.tune().description());
        }
        out.printf(
                Locale.ROOT,
                "model work per image (counted): %.2f forward+backward + %.2f forwards = %.1f ms at the bare rates"
                        + " -> %.2f images/s; job overhead (job time / model time): %.2fx%n",
                traces,
                forwards,
                1e3 * modelSecondsPerImage,
                1 / modelSecondsPerImage,
                (1 / jobRate) / modelSecondsPerImage);
        if (detailed) {
            double modelCpu = job.explained() * (traces * fbCpu + forwards * fCpu);
            out.printf(
                    Locale.ROOT,
                    "in CPU seconds, which time stolen by the hypervisor leaves out: the job's process %.1f s, its model"
                            + " work at the bare CPU cost %.1f s: %.2fx (%.2fx leaving out the JIT compiler's); the"
                            + " model's calls in the job %.2fx their CPU bare (the calling threads')%n",
                    cpu.process(),
                    modelCpu,
                    cpu.process() / modelCpu,
                    (cpu.process() - cpu.compiler()) / modelCpu,
                    work.cpuSeconds() / (job.explained() * (traces * fbCallerCpu + forwards * fCallerCpu)));
        }
    }

    /** The median over windows of one of their values. */
    private static double median(Window[] windows, ToDoubleFunction<Window> value) {
        double[] sorted = Arrays.stream(windows).mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A per-window count per image over all windows: their sum over their images. */
    private static double pooled(Window[] windows, ToDoubleFunction<Window> count) {
        return Arrays.stream(windows).mapToDouble(count).sum()
                / Arrays.stream(windows).mapToLong(Window::images).sum();
    }

    /** "before: a b c; after: d e f", each window's images/s. */
    private static String windows(Window[] before, Window[] after) {
        return "before " + rates(before) + ", after " + rates(after);
    }

    private static String rates(Window[] windows) {
        return Arrays.stream(windows)
                .map(w -> String.format(Locale.ROOT, "%.0f", w.imagesPerSecond()))
                .collect(Collectors.joining(" "));
    }

    /**
     * The explaining job's tasks: their run time and CPU, and the process's CPU from its first Spark
     * job's start to its last one's end.
     */
    record TaskTotals(double seconds, double cpuSeconds, CpuUse cpu) {}

    /**
     * The bare model's windows, forward+backward (the shared trace) and forward alone, the two
     * kinds alternating so both see the same drift.
     */
    record BareRates(Window[] forwardBackward, Window[] forward) {

        static BareRates measure(
                VisionTransformer vit, int callers, int threads, int batchSize, double seconds, int rounds)
                throws InterruptedException {
            VitConfig c = vit.config();
            try (NDManager manager = NDManager.newBaseManager()) {
                List<NDArray> batches = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    batches.add(manager.randomUniform(
                            0, 1, new Shape(batchSize, c.channels(), c.imageSize(), c.imageSize())));
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

        private static Window[] concat(Window[] a, Window[] b) {
            Window[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    /** A manifest {@code target} of {@code images} rows: the committed sample under distinct ids. */
    static Path repeatedSample(Path target, int images) throws java.io.IOException {
        Path sample = Path.of(System.getProperty(ExplainCommand.SAMPLE_PROPERTY, "data/sample/manifest.csv"))
                .toAbsolutePath();
        return RepeatedSample.manifest(sample, target, images);
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
