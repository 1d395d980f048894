package dev.tokentm.job.benchmark;

import ai.djl.Device;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.model.PassCount;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;

/**
 * The whole job's throughput next to the bare model's: images (the committed sample, repeated under
 * distinct ids) through the Spark job in local mode, then the same model's batched forward+backward
 * and forward passes without Spark, decoding or Parquet, run as the job's tasks run them, timed just
 * before and just after the job ({@link BareRates}). Every pass the job's model made is counted
 * (traces and no-gradient forwards), so "job overhead" = job time / what those passes cost at the
 * bare rates ({@link JobBenchmarkReport}). A first, untimed job loads and compiles what every job
 * needs, so the timed job costs what a long job costs per image.
 *
 * @param images images through the timed job
 * @param warmUpImages images through the untimed first job; 0 for none
 * @param seconds seconds of one bare-model window
 * @param rounds bare-model windows of each kind before the job and again after it
 */
public record JobBenchmark(int images, int warmUpImages, double seconds, int rounds) {

    /** One method, the predicted class, batch 16, zeroing: the job's core cost. */
    public static final ExplainSettings SETTINGS = ExplainSettings.defaults()
            .with(List.of(ExplainerRegistry.REFERENCE), List.of(TargetMode.PREDICTED), Set.of(Protocol.ZERO));

    /**
     * What a run measured.
     *
     * @param work the passes the job's model made during the timed job
     * @param tasks the explaining job's tasks
     * @param cores Spark's default parallelism
     * @param threads PyTorch threads per task
     */
    record Measurement(
            ExplainJob.Result job,
            PassCount work,
            TaskTotals tasks,
            BareRates before,
            BareRates after,
            int cores,
            int threads) {}

    /**
     * The explaining job's tasks: their run time and CPU, and the process's CPU from its first Spark
     * job's start to its last one's end.
     */
    record TaskTotals(double seconds, double cpuSeconds, CpuUse cpu) {}

    /** Runs the benchmark and prints its report; {@code master} is what the report names. */
    public void run(SparkSession spark, VitExplainer explainer, String master, PrintStream out)
            throws IOException, InterruptedException, TimeoutException {
        try (ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-job")) {
            Measurement m = measure(spark, explainer, scratch.path(), out);
            new JobBenchmarkReport(m, explainer.settings(), master, rounds).print(out);
        }
    }

    private Measurement measure(SparkSession spark, VitExplainer explainer, Path dir, PrintStream out)
            throws IOException, InterruptedException, TimeoutException {
        ExplainSettings settings = explainer.settings();
        VisionTransformer model = localModel(explainer);
        int cores = spark.sparkContext().defaultParallelism();
        int threads = settings.threads() > 0
                ? settings.threads()
                : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        if (warmUpImages > 0) {
            ExplainJob.Result warm = job(
                    spark, explainer, repeatedSample(dir.resolve("warm.csv"), warmUpImages), dir.resolve("warm-out"));
            out.printf(
                    java.util.Locale.ROOT,
                    "warm-up job, untimed: %d images in %.1f s%n",
                    warm.explained(),
                    warm.seconds());
        }
        BareRates before = BareRates.measure(model, cores, threads, settings.batchSize(), seconds, rounds);
        Path manifest = repeatedSample(dir.resolve("manifest.csv"), images);
        PassCount start = model.passes();
        ExplainJob.Result job;
        TaskTotals tasks;
        try (TaskTime time = TaskTime.register(spark.sparkContext(), ExplainJob.EXPLAIN_JOBS)) {
            job = job(spark, explainer, manifest, dir.resolve("out"));
            tasks = new TaskTotals(time.seconds(), time.cpuSeconds(), time.cpu());
        }
        PassCount work = model.passes().since(start);
        BareRates after = BareRates.measure(model, cores, threads, settings.batchSize(), seconds, rounds);
        return new Measurement(job, work, tasks, before, after, cores, threads);
    }

    /** The job on a manifest, its own lines (progress, metrics table) kept out of the benchmark's output. */
    static ExplainJob.Result job(SparkSession spark, VitExplainer explainer, Path manifest, Path output) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new ExplainJob(spark, quiet)
                .run(new ExplainJob.Plan(InputSpec.of(manifest.toString()), explainer, output.toString(), 0));
    }

    /** A manifest {@code target} of {@code images} rows: the committed sample under distinct ids. */
    static Path repeatedSample(Path target, int images) throws IOException {
        return RepeatedSample.manifest(RepeatedSample.committedSample(), target, images);
    }

    /**
     * The model the job will use, loaded now: in local mode the job's tasks use this JVM's cached
     * model, so its counters count the job's model work.
     */
    static VisionTransformer localModel(VitExplainer explainer) {
        DjlRuntime.configure();
        return ExecutorModels.get(explainer.settings(), Device.cpu()).model();
    }
}
