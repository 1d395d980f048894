package dev.tokentm.job.run;

import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.TARGET;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.tokentm.job.aggregate.MethodTarget;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a run has left to explain: every input image whose id the output does not hold yet. A resume
 * must ask for what the output was made with (methods, targets, removal protocols), or some images
 * would lack rows or measurements; damaged output files are set aside first, so their images count
 * as not done.
 *
 * @param total distinct images in the input
 * @param skipped those already in the output
 * @param todo the rest, to explain
 */
record PendingImages(long total, long skipped, Dataset<Row> todo) {

    /** The images left; fails in one line when the output was made with other settings. */
    static PendingImages of(Dataset<Row> input, RunOutput output, ExplainSettings settings, PrintStream out) {
        if (!output.hasImages()) {
            return new PendingImages(input.count(), 0, input);
        }
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
        return new PendingImages(counts.getLong(0), counts.getLong(1), input.join(done, IMAGE_ID.name(), "left_anti"));
    }

    /** Images to explain now. */
    long toExplain() {
        return total - skipped;
    }

    /** A column a removal protocol always fills: its first curve's first per-step value. */
    private static OutputColumn<ImageTable.Entry> mark(Protocol p) {
        Curve first = Curve.of(EnumSet.of(p)).get(0);
        return ImageTable.step(first, first.fields().get(0));
    }

    /**
     * One pass over the output reads the (method, target) pairs and which protocols' columns are
     * filled; both must be what this run asks for (the sanity checks may differ: they are measured
     * apart from the images table).
     */
    private static void checkSameRun(RunOutput output, ExplainSettings settings) {
        List<Protocol> removals = Protocol.removals();
        List<Row> groups = output.readImages()
                .where(METHOD.col().isNotNull())
                .groupBy(METHOD.col(), TARGET.col())
                .agg(
                        max(mark(removals.get(0)).col().isNotNull()),
                        removals.stream()
                                .skip(1)
                                .map(p -> max(mark(p).col().isNotNull()))
                                .toArray(Column[]::new))
                .collectAsList();
        if (groups.isEmpty()) {
            return; // only error rows so far
        }
        Set<MethodTarget> before = new HashSet<>();
        Set<Protocol> measured = EnumSet.noneOf(Protocol.class);
        for (Row r : groups) {
            before.add(MethodTarget.of(r.getString(0), r.getString(1)));
            for (int i = 0; i < removals.size(); i++) {
                if (r.getBoolean(2 + i)) {
                    measured.add(removals.get(i));
                }
            }
        }
        Set<MethodTarget> now = new HashSet<>();
        for (String m : settings.methods()) {
            settings.targets().forEach(t -> now.add(new MethodTarget(m, t)));
        }
        if (!before.equals(now)) {
            throw new IllegalArgumentException(output.root() + " holds results for " + names(before) + ", not "
                    + names(now) + "; resume with the same --methods and --targets or choose another --output");
        }
        Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
        protocols.addAll(settings.protocols());
        protocols.remove(Protocol.SANITY);
        if (!measured.equals(protocols)) {
            throw new IllegalArgumentException(output.root() + " holds results measured with --protocols "
                    + String.join(",", Protocol.labels(measured)) + ", not "
                    + String.join(",", Protocol.labels(protocols))
                    + "; resume with the same protocols (sanity may differ) or choose another --output");
        }
    }

    /** {@code [gae/label, gae/predicted]}: the pairs as the message shows them, sorted. */
    private static String names(Set<MethodTarget> keys) {
        return keys.stream()
                .map(k -> k.method() + "/" + k.target().label())
                .sorted()
                .toList()
                .toString();
    }
}
