package dev.tokentm.job.cli;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.benchmark.AuditBenchmark;
import dev.tokentm.job.benchmark.ScratchDirectory;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.spark.VitExplainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench-audit}: the audit on a planted shortcut, its time next to the explain job's ({@link AuditBenchmark}). */
@Command(
        name = "bench-audit",
        mixinStandardHelpOptions = true,
        description = "Explain and audit a planted-shortcut corpus (make-data --shortcut); print the audit's time and "
                + "memory next to the explain job's, and where the marked images went (not part of the tests).")
public final class BenchAuditCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "A corpus make-data --shortcut wrote.")
    Path data;

    @Option(names = "--shortcut", required = true, description = "The spec it was made with.")
    String shortcut;

    @Option(names = "--model", description = "The model to audit. Default: the embedded model.")
    String model;

    @Option(
            names = "--images",
            description = "Images to explain, the corpus's rows cycled (0: each once). Default: ${DEFAULT-VALUE}.")
    int images = 0;

    @Option(names = "--bootstrap", description = "Default: ${DEFAULT-VALUE}.")
    int bootstrap = Bootstrap.defaults().replicates();

    @Option(names = "--batch-size", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize = 16;

    @Mixin
    AuditOptions audit;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        VitExplainer explainer = new VitExplainer()
                .setModelUrl(model)
                .setMethods(ExplainerRegistry.REFERENCE)
                .setTargets("predicted")
                .setProtocols()
                .setBatchSize(batchSize);
        try (SparkSession spark = sparkOptions.open("tokentm bench-audit");
                ScratchDirectory scratch = new ScratchDirectory("tokentm-bench-audit")) {
            new AuditBenchmark(data, shortcut, images)
                    .run(spark, explainer, audit.settings(new Bootstrap(bootstrap, 0)), scratch.path(), System.out);
        }
        return 0;
    }
}
