package dev.tokentm.job.benchmark;

import static org.apache.spark.sql.functions.col;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.dataset.ClutterSettings;
import dev.tokentm.job.dataset.DatasetWriter;
import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.job.dataset.Shortcut;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.output.RunSummary;
import dev.tokentm.job.run.AuditStage;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.runtime.ResidentMemory;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The audit on a planted shortcut ({@code make-data --shortcut}): the corpus (its rows repeated
 * under distinct ids up to {@code images}) explained with TokenTM for the predicted class and
 * audited; prints the explain job's and the audit's time and the driver's resident memory, and, per
 * class, where the marked images went: the strategy holding most of them, its share of them and of
 * unmarked images, whether its region holds the mark, and its causal test.
 *
 * @param corpus a directory {@code make-data --shortcut} wrote ({@code manifest.csv} with {@code marked})
 * @param shortcut the planted shortcut's spec
 * @param images images to explain (the corpus's rows cycled); 0 for each row once
 */
public record AuditBenchmark(Path corpus, String shortcut, int images) {

    /**
     * Where the planted class's marked images went, for one target.
     *
     * @param strategy the strategy holding most of them
     * @param markedIn marked images in it
     * @param marked marked images of the class
     * @param unmarkedIn unmarked images in it
     * @param regionHoldsMark whether its region holds a cell of the mark
     * @param confirmed whether it is a confirmed shortcut (null: not tested)
     * @param dropLow the lower end of its causal test's drop interval (NaN: not tested)
     */
    public record Planted(
            String target,
            int strategy,
            long markedIn,
            long marked,
            long unmarkedIn,
            boolean regionHoldsMark,
            Boolean confirmed,
            double dropLow) {}

    /** What a run found: the planted class per target, every confirmed shortcut, the times. */
    public record Outcome(List<Planted> planted, List<String> confirmed, double explainSeconds, double auditSeconds) {}

    public Outcome run(SparkSession spark, VitExplainer explainer, AuditSettings settings, Path output, PrintStream out)
            throws IOException {
        Shortcut planted = Shortcut.parse(shortcut, FashionMnist.CLASS_NAMES);
        Path manifest = manifest(output.resolve("manifest.csv"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ExplainJob.Result job = new ExplainJob(spark, quiet)
                .run(new ExplainJob.Plan(
                        InputSpec.of(manifest.toString()),
                        explainer,
                        output.resolve("run").toString(),
                        0,
                        new Bootstrap(0, settings.bootstrap().seed()),
                        1,
                        null));
        RunOutput run = new RunOutput(spark, output.resolve("run").toString());
        RunSummary summary = run.readSummary();
        long rssBefore = ResidentMemory.available() ? ResidentMemory.kilobytes() : -1;
        long start = System.nanoTime();
        var audit = AuditStage.run(
                spark,
                run,
                dev.tokentm.job.input.ImageInputs.read(spark, InputSpec.of(manifest.toString()), summary.classNames()),
                AuditStage.regionTest(
                        explainer.getModelUrl(),
                        null,
                        summary.classNames(),
                        explainer.getBatchSize(),
                        settings.bootstrap().seed(),
                        settings),
                settings,
                summary.classNames(),
                quiet);
        double auditSeconds = (System.nanoTime() - start) / 1e9;
        long rssAfter = ResidentMemory.available() ? ResidentMemory.kilobytes() : -1;
        out.printf(
                Locale.ROOT,
                "explain: %,d images in %.1f s (%.1f images/s); audit: %.1f s = %.1f%% of it; driver resident "
                        + "memory %,d MB before the audit, %,d MB after%n",
                job.explained(),
                job.seconds(),
                job.imagesPerSecond(),
                auditSeconds,
                100 * auditSeconds / job.seconds(),
                rssBefore / 1024,
                rssAfter / 1024);
        out.println("confirmed shortcuts: " + audit.confirmedShortcuts());
        List<Planted> found = check(
                spark,
                run,
                manifest,
                planted,
                settings.grid(),
                ClutterSettings.defaults().canvas(),
                out);
        return new Outcome(found, audit.confirmedShortcuts(), job.seconds(), auditSeconds);
    }

    /** The corpus's manifest with ids, rows cycled up to {@code images}, paths made absolute. */
    private Path manifest(Path target) throws IOException {
        List<String> lines = Files.readAllLines(corpus.resolve("manifest.csv"));
        int count = images > 0 ? images : lines.size() - 1;
        List<String> rows = new ArrayList<>();
        rows.add("image_id,path,label,mask_path," + DatasetWriter.MARKED);
        for (int i = 0; i < count; i++) {
            String[] cells = lines.get(1 + i % (lines.size() - 1)).split(",");
            rows.add("image-" + i + "," + corpus.resolve(cells[0]) + "," + cells[1] + "," + corpus.resolve(cells[2])
                    + "," + cells[3]);
        }
        Files.createDirectories(target.getParent());
        return Files.write(target, rows);
    }

    /** Quartiles of the share of relevance on the mark's cells: marked images in the strategy, elsewhere, unmarked. */
    private static String markShares(
            Dataset<Row> assigned,
            Dataset<Row> marked,
            Shortcut planted,
            String target,
            int strategy,
            Set<Integer> cells) {
        List<double[]> groups = List.of(new double[0], new double[0], new double[0]);
        List<List<Double>> values = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Row r : assigned.join(marked, assigned.col("image_id").equalTo(marked.col("id")))
                .where(col("class").equalTo(planted.label()).and(col("target").equalTo(target)))
                .select("map", "strategy", "marked")
                .collectAsList()) {
            List<Double> map = r.getList(0);
            double share = cells.stream().mapToDouble(map::get).sum();
            int group = !r.getBoolean(2) ? 2 : r.getInt(1) == strategy ? 0 : 1;
            values.get(group).add(share);
        }
        String[] names = {"marked, in it", "marked, elsewhere", "unmarked"};
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < 3; g++) {
            List<Double> v = values.get(g).stream().sorted().toList();
            if (v.isEmpty()) {
                continue;
            }
            s.append(String.format(
                    Locale.ROOT,
                    "%s%s %.3f / %.3f / %.3f",
                    s.length() > 0 ? "; " : "",
                    names[g],
                    v.get(v.size() / 4),
                    v.get(v.size() / 2),
                    v.get(3 * v.size() / 4)));
        }
        return s.toString();
    }

    /** Per target, the planted class's strategies against the marked images. */
    private static List<Planted> check(
            SparkSession spark, RunOutput run, Path manifest, Shortcut planted, int grid, int canvas, PrintStream out) {
        List<Planted> found = new ArrayList<>();
        Dataset<Row> marked = spark.read()
                .option("header", true)
                .csv(manifest.toString())
                .select(
                        col("image_id").alias("id"),
                        col(DatasetWriter.MARKED).equalTo("true").alias("marked"));
        Dataset<Row> assigned = spark.read().parquet(run.audit(AuditStage.ASSIGNMENTS));
        Set<Integer> markCells = planted.cells(canvas, grid);
        for (Row r : assigned.join(marked, assigned.col("image_id").equalTo(marked.col("id")))
                .where(col("class").equalTo(planted.label()))
                .groupBy("target", "strategy")
                .agg(
                        org.apache
                                .spark
                                .sql
                                .functions
                                .sum(col("marked").cast("int"))
                                .alias("marked"),
                        org.apache.spark.sql.functions.count(col("marked")).alias("images"))
                .orderBy(col("marked").desc())
                .limit(1)
                .collectAsList()) {
            String target = r.getString(0);
            int strategy = r.getInt(1);
            long inIt = r.getLong(2);
            long size = r.getLong(3);
            long allMarked = assigned.join(marked, assigned.col("image_id").equalTo(marked.col("id")))
                    .where(col("class")
                            .equalTo(planted.label())
                            .and(col("target").equalTo(target))
                            .and(col("marked")))
                    .count();
            Row s = spark.read()
                    .parquet(run.audit(AuditStage.STRATEGIES))
                    .where(col("target")
                            .equalTo(target)
                            .and(col("class").equalTo(planted.label()))
                            .and(col("strategy").equalTo(strategy)))
                    .first();
            List<Integer> region = s.getList(s.fieldIndex("region"));
            List<Double> ci = s.isNullAt(s.fieldIndex("drop_ci95")) ? null : s.getList(s.fieldIndex("drop_ci95"));
            found.add(new Planted(
                    target,
                    strategy,
                    inIt,
                    allMarked,
                    size - inIt,
                    region.stream().anyMatch(markCells::contains),
                    s.isNullAt(s.fieldIndex("confirmed")) ? null : s.getBoolean(s.fieldIndex("confirmed")),
                    ci == null ? Double.NaN : ci.get(0)));
            out.printf(
                    Locale.ROOT,
                    "%s %s: strategy %d holds %d of %d marked images (%.0f%%) and %d unmarked (%.0f%% of it); "
                            + "region %s %s the mark (cells %s); candidate: %s; confirmed: %s; drop %s, control %s%n",
                    target,
                    FashionMnist.CLASS_NAMES.get(planted.label()),
                    strategy,
                    inIt,
                    allMarked,
                    100.0 * inIt / Math.max(1, allMarked),
                    size - inIt,
                    100.0 * (size - inIt) / size,
                    region,
                    region.stream().anyMatch(markCells::contains) ? "holds" : "misses",
                    markCells,
                    s.getList(s.fieldIndex("candidate_reasons")),
                    s.get(s.fieldIndex("confirmed")),
                    s.get(s.fieldIndex("drop")) + " " + s.getList(s.fieldIndex("drop_ci95")),
                    s.get(s.fieldIndex("control_drop")));
            List<String> elsewhere = new ArrayList<>();
            for (Row e : assigned.join(marked, assigned.col("image_id").equalTo(marked.col("id")))
                    .where(col("class")
                            .equalTo(planted.label())
                            .and(col("target").equalTo(target))
                            .and(col("marked"))
                            .and(col("strategy").notEqual(strategy)))
                    .groupBy("strategy")
                    .count()
                    .orderBy("strategy")
                    .collectAsList()) {
                elsewhere.add("strategy " + e.getInt(0) + ": " + e.getLong(1));
            }
            out.println("  the other marked images: " + (elsewhere.isEmpty() ? "none" : String.join(", ", elsewhere)));
            out.println("  share of relevance on the mark (quartiles): "
                    + markShares(assigned, marked, planted, target, strategy, markCells));
            Dataset<Row> tests = spark.read().parquet(run.audit(AuditStage.TESTS));
            for (Row t : tests.join(marked, tests.col("image_id").equalTo(marked.col("id")))
                    .where(col("key").startsWith(target + "/" + planted.label() + "/" + strategy + "/"))
                    .groupBy(col("key"), col("marked"))
                    .agg(
                            org.apache.spark.sql.functions.count(col("marked")),
                            org.apache.spark.sql.functions.avg(
                                    col("probability").minus(col("removed_probability"))),
                            org.apache.spark.sql.functions.avg(col("probability")))
                    .orderBy("key", "marked")
                    .collectAsList()) {
                out.printf(
                        Locale.ROOT,
                        "  causal test, %s side, %s: %d images, mean drop %.3f (p before %.3f)%n",
                        t.getString(0).substring(t.getString(0).lastIndexOf('/') + 1),
                        t.getBoolean(1) ? "marked" : "unmarked",
                        t.getLong(2),
                        t.getDouble(3),
                        t.getDouble(4));
            }
        }
        return found;
    }
}
