package dev.tokentm.job.run;

import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;

import ai.djl.Device;
import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.Metric;
import dev.tokentm.job.aggregate.MetricAgreement;
import dev.tokentm.job.aggregate.MetricsAggregator;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.input.ImageInputs;
import dev.tokentm.job.input.InputFormat;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.MethodSummary;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.job.output.MetricsText;
import dev.tokentm.job.output.RunLock;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.output.RunSummary;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The job plan: read the corpus, skip images a previous run finished ({@link PendingImages}),
 * repartition, explain in {@code mapPartitions} ({@link VitExplainer}), append rows to Parquet, then
 * aggregate every row so far into dataset metrics, run the sanity checks, compare the methods, and
 * write the metrics table, the JSON summary and the printed tables.
 */
public final class ExplainJob {

    /**
     * @param partitions Spark partitions to explain in; 0 chooses {@link #partitions(long, int, int)}
     * @param bootstrap the confidence intervals' bootstrap
     * @param sanityImages images the sanity checks explain (when {@code sanity} is a protocol)
     * @param audit the dataset audit to run after the metrics; null for none
     */
    public record Plan(
            InputSpec input,
            VitExplainer explainer,
            String output,
            int partitions,
            Bootstrap bootstrap,
            int sanityImages,
            AuditSettings audit) {

        /** The defaults' bootstrap and sanity sample, no audit. */
        public Plan(InputSpec input, VitExplainer explainer, String output, int partitions) {
            this(input, explainer, output, partitions, Bootstrap.defaults(), SanityStage.DEFAULT_IMAGES, null);
        }
    }

    /** What a run did. */
    public record Result(
            long total,
            long skipped,
            long explained,
            long failed,
            double seconds,
            List<MethodMetrics> metrics,
            Map<String, SanityStage.Verdict> sanity,
            List<Comparisons.Comparison> comparisons,
            List<MetricAgreement.Agreement> agreement) {

        public double imagesPerSecond() {
            return seconds > 0 ? explained / seconds : 0;
        }
    }

    /** The dataset-level findings: metrics with their sanity verdicts, comparisons, agreement. */
    private record Findings(
            List<MethodMetrics> metrics,
            Map<String, SanityStage.Verdict> sanity,
            List<Comparisons.Comparison> comparisons,
            List<MetricAgreement.Agreement> agreement) {}

    private final SparkSession spark;
    private final PrintStream out;

    public ExplainJob(SparkSession spark, PrintStream out) {
        this.spark = spark;
        this.out = out;
    }

    public Result run(Plan plan) {
        ExplainSettings settings = plan.explainer().settings();
        ModelLoader.LoadedModel model = checkedModel(settings);
        out.println("tokentm: model " + model.location() + ": " + model.architecture());
        RunOutput output = new RunOutput(spark, plan.output());
        try (RunLock lock = output.lock(message -> out.println("tokentm: " + message))) {
            Dataset<Row> input = readInput(plan, model);
            PendingImages pending = PendingImages.of(input, output, settings, out);
            announce(plan, settings, pending);
            double seconds = explain(plan, settings, pending, output);
            long failed = failed(output);
            Findings findings = findings(plan, settings, model, input, output);
            Result result = new Result(
                    pending.total(),
                    pending.skipped(),
                    pending.toExplain(),
                    failed,
                    seconds,
                    findings.metrics(),
                    findings.sanity(),
                    findings.comparisons(),
                    findings.agreement());
            output.writeMetrics(result.metrics());
            RunSummary summary = summary(plan, settings, model.classNames(), result);
            output.writeSummary(summary);
            if (plan.audit() != null && result.metrics().isEmpty()) {
                out.println("tokentm: audit: no image was explained, nothing to audit");
            } else if (plan.audit() != null) {
                output.writeSummary(summary.withAudit(AuditStage.run(
                        spark,
                        output,
                        input,
                        AuditStage.regionTest(
                                settings.model(),
                                settings.modelConfig(),
                                model.classNames(),
                                settings.batchSize(),
                                settings.seed(),
                                plan.audit()),
                        plan.audit(),
                        model.classNames(),
                        out)));
            }
            print(result, output);
            return result;
        }
    }

    /**
     * The model, loaded (and so checked) on the driver, and every method checked against it, so that a
     * method the model cannot run fails in one line before any task starts. Local mode's tasks reuse it.
     */
    public static ModelLoader.LoadedModel checkedModel(ExplainSettings settings) {
        DjlRuntime.configure();
        ModelLoader.LoadedModel model = ExecutorModels.get(settings, Device.cpu());
        settings.checkModel(model.model().config());
        return model;
    }

    /** The corpus, one row per image id; image folders naming no class of the model are said in one line. */
    private Dataset<Row> readInput(Plan plan, ModelLoader.LoadedModel model) {
        Dataset<Row> input =
                ImageInputs.read(spark, plan.input(), model.classNames()).dropDuplicates(IMAGE_ID.name());
        if (ImageInputs.format(spark, plan.input()) == InputFormat.IMAGE_FOLDER) {
            List<String> unknown = ImageInputs.unknownClassFolders(input, 4);
            if (!unknown.isEmpty()) {
                out.println("tokentm: folders naming no class of the model (" + String.join(", ", unknown)
                        + (unknown.size() == 4 ? ", ..." : "") + "): their images have no label; --class-names "
                        + "gives the model's classes in order (one per line, or ImageNet's LOC_synset_mapping.txt)");
            }
        }
        return input;
    }

    private void announce(Plan plan, ExplainSettings settings, PendingImages pending) {
        if (pending.total() == 0) {
            throw new IllegalArgumentException(
                    "no images found in " + plan.input().location());
        }
        out.printf(
                Locale.ROOT,
                "tokentm: %,d images in %s, %,d already done, %,d to explain with %s (model %s, %s)%n",
                pending.total(),
                plan.input().location(),
                pending.skipped(),
                pending.toExplain(),
                String.join(", ", settings.methods()),
                settings.modelLocation(),
                settings.targets());
    }

    /** Explains the pending images into the output; the seconds it took. */
    private double explain(Plan plan, ExplainSettings settings, PendingImages pending, RunOutput output) {
        long start = System.nanoTime();
        if (pending.toExplain() > 0) {
            int partitions = plan.partitions() > 0
                    ? plan.partitions()
                    : partitions(pending.toExplain(), spark.sparkContext().defaultParallelism(), settings.batchSize());
            explain(plan.explainer(), pending.todo().repartition(partitions), output, pending.toExplain());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Images with an error row, all runs. */
    private static long failed(RunOutput output) {
        return output.readImages()
                .where(ERROR.col().isNotNull())
                .select(IMAGE_ID.name())
                .distinct()
                .count();
    }

    /** Every row so far aggregated, the sanity checks run, every method compared with the reference. */
    private Findings findings(
            Plan plan, ExplainSettings settings, ModelLoader.LoadedModel model, Dataset<Row> input, RunOutput output) {
        List<MethodMetrics> aggregated =
                MetricsAggregator.aggregate(output.readImages(), settings.fractions(), plan.bootstrap());
        Map<String, SanityStage.Verdict> sanity = settings.protocols().contains(Protocol.SANITY)
                ? new SanityStage(spark, out)
                        .run(input, plan.explainer(), model.model().config(), plan.sanityImages(), output)
                : Map.of();
        List<MethodMetrics> metrics = aggregated.stream()
                .map(m -> m.withSanity(SanityStage.passed(sanity, m)))
                .toList();
        List<Metric> shown = MetricsTable.metrics();
        List<Comparisons.Comparison> comparisons = Comparisons.reference(metrics)
                .map(reference -> Comparisons.against(reference, metrics, shown))
                .orElse(List.of());
        return new Findings(metrics, sanity, comparisons, MetricAgreement.of(metrics, shown));
    }

    private void print(Result result, RunOutput output) {
        out.print(MetricsText.format(result.metrics()));
        out.print(MetricsText.formatComparisons(result.comparisons()));
        out.printf(
                Locale.ROOT,
                "images: %,d in input, %,d explained now (%.2f images/s, %.1f s), %,d skipped as done, "
                        + "%,d failed (error column)%noutput: %s%n",
                result.total(),
                result.explained(),
                result.imagesPerSecond(),
                result.seconds(),
                result.skipped(),
                result.failed(),
                output.root());
    }

    /** Images per partition at most: a failed task redoes no more than this. */
    static final int MAX_PARTITION_IMAGES = 256;
    /** Partitions per core at least, when there are images enough: the last tasks' tail is then short. */
    static final int TASKS_PER_CORE = 4;

    /**
     * How many partitions explain {@code pending} images on {@code cores}: at most
     * {@value #MAX_PARTITION_IMAGES} images each, and {@value #TASKS_PER_CORE} per core as long as
     * each still gets a full batch. With one partition per core, the core whose partition runs short
     * idles while the other finishes (5 s of a 51 s run, 1,000 images on 2 cores).
     */
    static int partitions(long pending, int cores, int batchSize) {
        long bySize = (pending + MAX_PARTITION_IMAGES - 1) / MAX_PARTITION_IMAGES;
        long byCores = Math.min((long) TASKS_PER_CORE * cores, Math.max(cores, pending / batchSize));
        return (int) Math.max(1, Math.max(bySize, byCores));
    }

    /** How the explaining jobs are described (Spark's UI, listeners): this text, then the image count. */
    public static final String EXPLAIN_JOBS = "tokentm: explain";

    private void explain(VitExplainer explainer, Dataset<Row> todo, RunOutput output, long pending) {
        LongAccumulator done = spark.sparkContext().longAccumulator("images done");
        ProgressListener progress = new ProgressListener(done.id(), pending, out);
        spark.sparkContext().addSparkListener(progress);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokentm-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(progress::printIfDue, 5, 5, TimeUnit.SECONDS);
        spark.sparkContext().setJobDescription(String.format(Locale.ROOT, "%s %,d images", EXPLAIN_JOBS, pending));
        try {
            output.appendImages(
                    explainer.copy(ParamMap.empty()).setProgress(done).transform(todo));
        } finally {
            spark.sparkContext().setJobDescription(null);
            ticker.shutdownNow();
            spark.sparkContext().removeSparkListener(progress);
        }
        progress.printFinal();
    }

    private static RunSummary summary(Plan plan, ExplainSettings settings, List<String> classNames, Result r) {
        return new RunSummary(
                plan.input().location(),
                plan.output(),
                settings.modelLocation(),
                settings.methods(),
                settings.targets().stream().map(TargetMode::label).toList(),
                classNames,
                r.total(),
                r.skipped(),
                r.explained(),
                r.failed(),
                r.seconds(),
                r.imagesPerSecond(),
                Protocol.labels(settings.protocols()),
                settings.seed(),
                plan.bootstrap().replicates(),
                r.metrics().stream()
                        .map(m -> {
                            SanityStage.Result checks = SanityStage.of(r.sanity(), m);
                            return MethodSummary.of(m, checks == null ? null : checks.summary());
                        })
                        .toList(),
                r.comparisons(),
                r.agreement(),
                null);
    }
}
