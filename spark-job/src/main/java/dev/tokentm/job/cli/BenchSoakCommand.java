package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.SoakBenchmark;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench-soak}: images/s and resident memory over a long local run ({@link SoakBenchmark}). */
@Command(
        name = "bench-soak",
        mixinStandardHelpOptions = true,
        defaultValueProvider = InitialValues.class,
        description = "Images/s and resident memory over a long local run of the job (not part of the tests).")
public final class BenchSoakCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "100000", description = "Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--every", defaultValue = "30", description = "Seconds between lines. Default: ${DEFAULT-VALUE}.")
    int every;

    /** bench-job's settings without the perturbation test. */
    @Mixin
    ExplainOptions explain = new ExplainOptions(SoakBenchmark.SETTINGS);

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        VitExplainer explainer = explain.applyTo(new VitExplainer());
        try (SparkSession spark = sparkOptions.open("tokentm bench-soak")) {
            new SoakBenchmark(images, every).run(spark, explainer, sparkOptions.master(), System.out);
        }
        return 0;
    }
}
