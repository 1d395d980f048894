package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.JobBenchmark;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench-job}: the whole job's images/s next to its model work done bare ({@link JobBenchmark}). */
@Command(
        name = "bench-job",
        mixinStandardHelpOptions = true,
        defaultValueProvider = InitialValues.class,
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

    /** One method, the predicted class, batch 16, zeroing: the job's core cost. */
    @Mixin
    ExplainOptions explain = new ExplainOptions(JobBenchmark.SETTINGS);

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
        VitExplainer explainer = explain.applyTo(new VitExplainer());
        try (SparkSession spark = sparkOptions.open("tokentm bench-job")) {
            new JobBenchmark(images, warmUpImages, seconds, rounds)
                    .run(spark, explainer, sparkOptions.master(), System.out);
        }
        return 0;
    }
}
