package dev.tokentm.job.run;

import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.FRACTIONS;
import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.TARGET;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import ai.djl.Device;
import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.Metric;
import dev.tokentm.job.aggregate.MetricAgreement;
import dev.tokentm.job.aggregate.MetricsAggregator;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.job.input.ImageInputs;
import dev.tokentm.job.input.InputFormat;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.MetricsTable;
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
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SparkArrays;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The job plan: read the corpus, skip images a previous run finished, repartition, explain in
 * {@code mapPartitions} ({@link VitExplainer}), append rows to Parquet, then aggregate every row
 * so far into dataset metrics, a JSON summary and the printed table.
 */
public final class ExplainJob {

    /**
     * @param partitions Spark partitions to explain in; 0 chooses {@link #partitions(long, int, int)}
     * @param bootstrap the confidence intervals' bootstrap
     * @param sanityImages images the sanity checks explain (when {@code sanity} is a protocol)
     */
    public record Plan(
            InputSpec input,
            VitExplainer explainer,
            String output,
            int partitions,
            Bootstrap bootstrap,
            int sanityImages) {

        /** The defaults' bootstrap and sanity sample. */
        public Plan(InputSpec input, VitExplainer explainer, String output, int partitions) {
            this(input, explainer, output, partitions, Bootstrap.defaults(), SanityStage.DEFAULT_IMAGES);
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

    private final SparkSession spark;
    private final PrintStream out;

    public ExplainJob(SparkSession spark, PrintStream out) {
        this.spark = spark;
        this.out = out;
    }

    public Result run(Plan plan) {
        ExplainSettings settings = plan.explainer().settings();
        DjlRuntime.configure();
        // Load (and so check) the model on the driver before any task starts; local mode's tasks reuse it.
        ModelLoader.LoadedModel model = ExecutorModels.get(settings, Device.cpu());
        out.println("tokentm: model " + model.location() + ": " + model.architecture());
        RunOutput output = new RunOutput(spark, plan.output());
        try (RunLock lock = output.lock(message -> out.println("tokentm: " + message))) {
            return run(plan, settings, model, output);
        }
    }

    private Result run(Plan plan, ExplainSettings settings, ModelLoader.LoadedModel model, RunOutput output) {
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
        Dataset<Row> todo = input;
        long total;
        long skipped = 0;
        if (output.hasImages()) {
            for (String moved : output.setAsideDamaged()) {
                out.println("tokentm: damaged output file set aside, its images will be explained again: " + moved);
            }
            checkSameRun(output, settings);
            Dataset<Row> done = output.readImages().select(IMAGE_ID.name()).distinct();
            // Both counts in one pass over the input (for Parquet with bytes, a pass reads every image).
            Row counts = input.select(IMAGE_ID.name())
                    .join(done.withColumn("done", lit(true)), IMAGE_ID.name(), "left")
                    .agg(count(lit(1)), count(col("done")))
                    .first();
            total = counts.getLong(0);
            skipped = counts.getLong(1);
            todo = input.join(done, IMAGE_ID.name(), "left_anti");
        } else {
            total = input.count();
        }
        if (total == 0) {
            throw new IllegalArgumentException(
                    "no images found in " + plan.input().location());
        }
        long pending = total - skipped;
        out.printf(
                Locale.ROOT,
                "tokentm: %,d images in %s, %,d already done, %,d to explain with %s (model %s, %s)%n",
                total,
                plan.input().location(),
                skipped,
                pending,
                String.join(", ", settings.methods()),
                settings.modelLocation(),
                settings.targets());

        long start = System.nanoTime();
        if (pending > 0) {
            int partitions = plan.partitions() > 0
                    ? plan.partitions()
                    : partitions(pending, spark.sparkContext().defaultParallelism(), settings.batchSize());
            explain(plan.explainer(), todo.repartition(partitions), output, pending);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Dataset<Row> rows = output.readImages();
        long failed = rows.where(ERROR.col().isNotNull())
                .select(IMAGE_ID.name())
                .distinct()
                .count();
        // No row with a result when every image failed: the metrics table is then empty.
        List<Row> first =
                rows.where(FRACTIONS.col().isNotNull()).select(FRACTIONS.name()).takeAsList(1);
        List<MethodMetrics> aggregated = first.isEmpty()
                ? List.of()
                : MetricsAggregator.aggregate(
                        rows, SparkArrays.doubles(first.get(0).getList(0)), plan.bootstrap());
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
        List<MetricAgreement.Agreement> agreement = MetricAgreement.of(metrics, shown);
        output.writeMetrics(metrics);
        Result result = new Result(total, skipped, pending, failed, seconds, metrics, sanity, comparisons, agreement);
        output.writeSummary(summary(plan, settings, model.classNames(), result));
        out.print(MetricsTable.format(metrics));
        out.print(MetricsTable.formatComparisons(comparisons));
        out.printf(
                Locale.ROOT,
                "images: %,d in input, %,d explained now (%.2f images/s, %.1f s), %,d skipped as done, "
                        + "%,d failed (error column)%noutput: %s%n",
                total,
                pending,
                result.imagesPerSecond(),
                seconds,
                skipped,
                failed,
                output.root());
        return result;
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
            output.appendImages(explainer
                    .copy(new org.apache.spark.ml.param.ParamMap())
                    .setProgress(done)
                    .transform(todo));
        } finally {
            spark.sparkContext().setJobDescription(null);
            ticker.shutdownNow();
            spark.sparkContext().removeSparkListener(progress);
        }
        progress.printFinal();
    }

    /** Which output column a protocol always fills: its presence says the protocol ran. */
    private static final Map<Protocol, OutputColumn<ImageTable.Entry>> PROTOCOL_MARKS = Map.of(
            Protocol.ZERO, ImageTable.POSITIVE_CORRECT,
            Protocol.ROAD, ImageTable.ROAD_MORF_CORRECT,
            Protocol.BLUR, ImageTable.BLUR_MORF_CORRECT);

    /**
     * Resuming with other methods, targets or protocols would leave images without some rows or
     * measurements. One pass over the output reads the (method, target) pairs and which protocols'
     * columns are filled.
     */
    private static void checkSameRun(RunOutput output, ExplainSettings settings) {
        List<Protocol> order = List.copyOf(PROTOCOL_MARKS.keySet());
        List<Row> groups = output.readImages()
                .where(METHOD.col().isNotNull())
                .groupBy(METHOD.col(), TARGET.col())
                .agg(
                        max(PROTOCOL_MARKS.get(order.get(0)).col().isNotNull()),
                        order.stream()
                                .skip(1)
                                .map(p -> max(PROTOCOL_MARKS.get(p).col().isNotNull()))
                                .toArray(Column[]::new))
                .collectAsList();
        if (groups.isEmpty()) {
            return; // only error rows so far
        }
        Set<String> before = new HashSet<>();
        Set<Protocol> measured = EnumSet.noneOf(Protocol.class);
        for (Row r : groups) {
            before.add(r.getString(0) + "/" + r.getString(1));
            for (int i = 0; i < order.size(); i++) {
                if (r.getBoolean(2 + i)) {
                    measured.add(order.get(i));
                }
            }
        }
        Set<String> now = new HashSet<>();
        for (String m : settings.methods()) {
            for (var t : settings.targets()) {
                now.add(m + "/" + t.label());
            }
        }
        if (!before.equals(now)) {
            throw new IllegalArgumentException(output.root() + " holds results for " + new java.util.TreeSet<>(before)
                    + ", not " + new java.util.TreeSet<>(now) + "; resume with the same --methods and --targets "
                    + "or choose another --output");
        }
        Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
        protocols.addAll(settings.protocols());
        protocols.remove(Protocol.SANITY); // measured apart from the images table: any run may add or drop it
        if (!measured.equals(protocols)) {
            throw new IllegalArgumentException(output.root() + " holds results measured with --protocols "
                    + String.join(",", Protocol.labels(measured)) + ", not "
                    + String.join(",", Protocol.labels(protocols))
                    + "; resume with the same protocols (sanity may differ) or choose another --output");
        }
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
                        .map(m -> SanityStage.withSanity(
                                MetricsTable.json(m), r.sanity().get(m.method())))
                        .toList(),
                r.comparisons(),
                r.agreement());
    }
}
