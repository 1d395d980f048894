package dev.tokentm.job.aggregate;

import static dev.tokentm.udfs.table.ImageTable.AOPC;
import static dev.tokentm.udfs.table.ImageTable.BLUR_LERF_AUC;
import static dev.tokentm.udfs.table.ImageTable.BLUR_LERF_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.BLUR_MORF_AUC;
import static dev.tokentm.udfs.table.ImageTable.BLUR_MORF_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.BLUR_SRG;
import static dev.tokentm.udfs.table.ImageTable.DELETION_AUC;
import static dev.tokentm.udfs.table.ImageTable.INSERTION_AUC;
import static dev.tokentm.udfs.table.ImageTable.LOG_ODDS;
import static dev.tokentm.udfs.table.ImageTable.NEGATIVE_AUC;
import static dev.tokentm.udfs.table.ImageTable.NEGATIVE_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.POSITIVE_AUC;
import static dev.tokentm.udfs.table.ImageTable.POSITIVE_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.ROAD_LERF_AUC;
import static dev.tokentm.udfs.table.ImageTable.ROAD_LERF_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.ROAD_MORF_AUC;
import static dev.tokentm.udfs.table.ImageTable.ROAD_MORF_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.ROAD_SRG;
import static dev.tokentm.udfs.table.ImageTable.SEG_AP;
import static dev.tokentm.udfs.table.ImageTable.SEG_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.SEG_INTERSECTION;
import static dev.tokentm.udfs.table.ImageTable.SEG_LABELED;
import static dev.tokentm.udfs.table.ImageTable.SEG_UNION;
import static dev.tokentm.udfs.table.ImageTable.SRG;

import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The per-image quantities whose sums give every dataset metric ({@link DatasetMetrics#of}): for
 * each per-image score its value and whether it is there (a mean is their ratio), the segmentation
 * counts (pixel accuracy and IoU are ratios of sums), and per-step correct counts of each accuracy
 * curve. The scalar part is what the bootstrap resamples; the curves are point estimates.
 */
public final class ImageSums {

    /** Per-image scores averaged over the images that have them. */
    public enum Mean {
        POSITIVE(POSITIVE_AUC),
        NEGATIVE(NEGATIVE_AUC),
        ZERO_SRG(SRG),
        AOPC_SCORE(AOPC),
        LODDS(LOG_ODDS),
        DELETION(DELETION_AUC),
        INSERTION(INSERTION_AUC),
        ROAD_MORF(ROAD_MORF_AUC),
        ROAD_LERF(ROAD_LERF_AUC),
        ROAD(ROAD_SRG),
        BLUR_MORF(BLUR_MORF_AUC),
        BLUR_LERF(BLUR_LERF_AUC),
        BLUR(BLUR_SRG),
        AVERAGE_PRECISION(SEG_AP),
        /** Not a faithfulness measure: the method's time per image. */
        SECONDS(ImageTable.SECONDS);

        private final OutputColumn<ImageTable.Entry> column;

        Mean(OutputColumn<ImageTable.Entry> column) {
            this.column = column;
        }

        int sum() {
            return 1 + 2 * ordinal();
        }

        int count() {
            return sum() + 1;
        }
    }

    /** Accuracy curves, per-step counts of correct predictions. */
    public enum Curve {
        POSITIVE(POSITIVE_CORRECT, Mean.POSITIVE),
        NEGATIVE(NEGATIVE_CORRECT, Mean.NEGATIVE),
        ROAD_MORF(ROAD_MORF_CORRECT, Mean.ROAD_MORF),
        ROAD_LERF(ROAD_LERF_CORRECT, Mean.ROAD_LERF),
        BLUR_MORF(BLUR_MORF_CORRECT, Mean.BLUR_MORF),
        BLUR_LERF(BLUR_LERF_CORRECT, Mean.BLUR_LERF);

        private final OutputColumn<ImageTable.Entry> column;
        /** The per-image area whose count is the curve's number of labelled images. */
        final Mean labelled;

        Curve(OutputColumn<ImageTable.Entry> column, Mean labelled) {
            this.column = column;
            this.labelled = labelled;
        }
    }

    /** Index of the image count. */
    static final int IMAGES = 0;

    private static final int SEGMENTATION = 1 + 2 * Mean.values().length;
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

    private static List<OutputColumn<ImageTable.Entry>> input() {
        List<OutputColumn<ImageTable.Entry>> columns = new ArrayList<>(List.of(ImageTable.IMAGE_ID));
        for (Mean m : Mean.values()) {
            columns.add(m.column);
        }
        columns.addAll(List.of(SEG_CORRECT, SEG_LABELED, SEG_INTERSECTION, SEG_UNION));
        for (Curve c : Curve.values()) {
            columns.add(c.column);
        }
        return List.copyOf(columns);
    }

    private ImageSums() {}

    /** Length of the whole vector for curves of {@code steps} steps (step 0 included). */
    public static int size(int steps) {
        return SCALARS + Curve.values().length * steps;
    }

    static int curve(Curve c, int step, int steps) {
        return SCALARS + c.ordinal() * steps + step;
    }

    /** An array field's elements, from a row Spark read (a Seq) or one built in memory (a Java array). */
    private static List<?> elements(Row row, String field) {
        Object v = row.getAs(field);
        return v instanceof Object[] array ? Arrays.asList(array) : row.getList(row.fieldIndex(field));
    }

    /** Adds one row's quantities (a row with {@link #INPUT}'s columns, by name) to {@code sums}. */
    public static void add(Row row, double[] sums, int steps, double weight) {
        sums[IMAGES] += weight;
        for (Mean m : Mean.values()) {
            Object v = row.getAs(m.column.name());
            if (v != null && !Double.isNaN(((Number) v).doubleValue())) {
                sums[m.sum()] += weight * ((Number) v).doubleValue();
                sums[m.count()] += weight;
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
            for (Curve c : Curve.values()) {
                int index = row.fieldIndex(c.column.name());
                if (row.isNullAt(index) || row.getAs(c.labelled.column.name()) == null) {
                    continue; // no curve, or no label: not counted in the accuracy
                }
                List<?> values = elements(row, c.column.name());
                for (int k = 0; k < Math.min(steps, values.size()); k++) {
                    if (Boolean.TRUE.equals(values.get(k))) {
                        sums[curve(c, k, steps)] += weight;
                    }
                }
            }
        }
    }
}
