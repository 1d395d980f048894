package dev.tokentm.job.aggregate;

import static dev.tokentm.udfs.table.ImageTable.SEG_AP;
import static dev.tokentm.udfs.table.ImageTable.SEG_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.SEG_INTERSECTION;
import static dev.tokentm.udfs.table.ImageTable.SEG_LABELED;
import static dev.tokentm.udfs.table.ImageTable.SEG_UNION;

import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.metrics.StepField;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The per-image quantities whose sums give every dataset metric ({@link DatasetMetrics#of}): for
 * each per-image score ({@link Score}, the segmentation test's AP, the seconds, the changed model's
 * agreement) its value and
 * whether it is there (a mean is their ratio), the segmentation counts (pixel accuracy and IoU are
 * ratios of sums), and per-step correct counts of each accuracy curve ({@link Curve#withAccuracy()}).
 * The scalar part is what the bootstrap resamples; the curves are point estimates.
 */
public final class ImageSums {

    /** Per-image values averaged over the images that have them: every score, then AP and seconds. */
    private static final List<OutputColumn<ImageTable.Entry>> MEANS = means();

    /** Each mean's position in {@link #MEANS}, by the column itself. */
    private static final Map<OutputColumn<ImageTable.Entry>, Integer> POSITION = new IdentityHashMap<>();

    static {
        for (int i = 0; i < MEANS.size(); i++) {
            POSITION.put(MEANS.get(i), i);
        }
    }

    /**
     * A curve counted per step: its per-step correctness and the score that is there exactly when the
     * image has a label for it (the area under its accuracy), resolved once.
     */
    private record Counted(
            Curve curve, OutputColumn<ImageTable.Entry> correct, OutputColumn<ImageTable.Entry> labelled) {}

    private static final List<Counted> CURVES = Curve.withAccuracy().stream()
            .map(c -> new Counted(
                    c,
                    ImageTable.step(c, StepField.CORRECT),
                    ImageTable.score(Score.accuracyArea(c)
                            .orElseThrow(() -> new IllegalStateException(c + " has no accuracy area")))))
            .toList();

    /** Index of the image count. */
    static final int IMAGES = 0;

    private static final int SEGMENTATION = 1 + 2 * MEANS.size();
    static final int SEG_CORRECT_PIXELS = SEGMENTATION;
    static final int SEG_LABELED_PIXELS = SEGMENTATION + 1;
    static final int INTERSECTION_BACKGROUND = SEGMENTATION + 2;
    static final int INTERSECTION_FOREGROUND = SEGMENTATION + 3;
    static final int UNION_BACKGROUND = SEGMENTATION + 4;
    static final int UNION_FOREGROUND = SEGMENTATION + 5;

    /** Number of scalar sums (what the bootstrap resamples). */
    public static final int SCALARS = SEGMENTATION + 6;

    /** The columns a row needs for its sums: the id (for bootstrap weights) and those of {@link #add}. */
    public static final List<OutputColumn<ImageTable.Entry>> INPUT = input();

    private static List<OutputColumn<ImageTable.Entry>> means() {
        List<OutputColumn<ImageTable.Entry>> columns = new ArrayList<>();
        for (Score s : Score.values()) {
            columns.add(ImageTable.score(s));
        }
        columns.add(SEG_AP);
        columns.add(ImageTable.SECONDS);
        columns.add(ImageTable.METHOD_AGREEMENT);
        return List.copyOf(columns);
    }

    private static List<OutputColumn<ImageTable.Entry>> input() {
        List<OutputColumn<ImageTable.Entry>> columns = new ArrayList<>(List.of(ImageTable.IMAGE_ID));
        columns.addAll(MEANS);
        columns.addAll(List.of(SEG_CORRECT, SEG_LABELED, SEG_INTERSECTION, SEG_UNION));
        CURVES.forEach(c -> columns.add(c.correct()));
        return List.copyOf(columns);
    }

    private ImageSums() {}

    /** Length of the whole vector for curves of {@code steps} steps (step 0 included). */
    public static int size(int steps) {
        return SCALARS + CURVES.size() * steps;
    }

    /** Index of a per-image value's sum (its count follows it): {@code 1 + 2 ·} its position. */
    private static int sum(OutputColumn<ImageTable.Entry> mean) {
        return 1 + 2 * POSITION.get(mean);
    }

    /** The mean of a per-image column over the images that have it; NaN when none has. */
    static double mean(double[] sums, OutputColumn<ImageTable.Entry> column) {
        int i = sum(column);
        return ratio(sums[i], sums[i + 1]);
    }

    /** The mean of a score. */
    static double mean(double[] sums, Score score) {
        return mean(sums, ImageTable.score(score));
    }

    /** How many images have a per-image column. */
    static double count(double[] sums, OutputColumn<ImageTable.Entry> column) {
        return sums[sum(column) + 1];
    }

    /** Each counted curve's accuracy per step over its labelled images, in {@link Curve} order. */
    static Map<Curve, double[]> accuracy(double[] sums, int steps) {
        Map<Curve, double[]> curves = new EnumMap<>(Curve.class);
        for (int i = 0; i < CURVES.size(); i++) {
            double labelled = count(sums, CURVES.get(i).labelled());
            double[] accuracy = new double[steps];
            for (int k = 0; k < steps; k++) {
                accuracy[k] = ratio(sums[SCALARS + i * steps + k], labelled);
            }
            curves.put(CURVES.get(i).curve(), accuracy);
        }
        return curves;
    }

    static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }

    /** An array field's elements, from a row Spark read (a Seq) or one built in memory (a Java array). */
    private static List<?> elements(Row row, String field) {
        Object v = row.getAs(field);
        return v instanceof Object[] array ? Arrays.asList(array) : row.getList(row.fieldIndex(field));
    }

    /** Adds one row's quantities (a row with {@link #INPUT}'s columns, by name) to {@code sums}. */
    public static void add(Row row, double[] sums, int steps, double weight) {
        sums[IMAGES] += weight;
        for (int i = 0; i < MEANS.size(); i++) {
            Object v = row.getAs(MEANS.get(i).name());
            if (v != null && !Double.isNaN(((Number) v).doubleValue())) {
                sums[1 + 2 * i] += weight * ((Number) v).doubleValue();
                sums[2 + 2 * i] += weight;
            }
        }
        Object correct = row.getAs(SEG_CORRECT.name());
        if (correct != null) {
            sums[SEG_CORRECT_PIXELS] += weight * ((Number) correct).doubleValue();
            sums[SEG_LABELED_PIXELS] += weight * ((Number) row.getAs(SEG_LABELED.name())).doubleValue();
            List<?> inter = elements(row, SEG_INTERSECTION.name());
            List<?> union = elements(row, SEG_UNION.name());
            sums[INTERSECTION_BACKGROUND] += weight * ((Number) inter.get(0)).doubleValue();
            sums[INTERSECTION_FOREGROUND] += weight * ((Number) inter.get(1)).doubleValue();
            sums[UNION_BACKGROUND] += weight * ((Number) union.get(0)).doubleValue();
            sums[UNION_FOREGROUND] += weight * ((Number) union.get(1)).doubleValue();
        }
        if (sums.length > SCALARS) {
            for (int i = 0; i < CURVES.size(); i++) {
                String column = CURVES.get(i).correct().name();
                if (row.isNullAt(row.fieldIndex(column))
                        || row.getAs(CURVES.get(i).labelled().name()) == null) {
                    continue; // no curve, or no label: not counted in the accuracy
                }
                List<?> values = elements(row, column);
                for (int k = 0; k < Math.min(steps, values.size()); k++) {
                    if (Boolean.TRUE.equals(values.get(k))) {
                        sums[SCALARS + i * steps + k] += weight;
                    }
                }
            }
        }
    }
}
