package dev.tokentm.udfs.table;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The sanity checks' per-image table ({@code <output>/sanity/}): one row per sampled image, method
 * and explained class, with the rank correlations between the method's map from the trained model
 * and from each step of the randomization cascade, and with the map of a random other class.
 */
public final class SanityTable {

    /**
     * One row.
     *
     * @param cascade correlation per cascade step (NaN where a map is constant)
     */
    public record Entry(
            String imageId,
            String method,
            String target,
            int explainedClass,
            int randomClass,
            double[] cascade,
            double randomLogit) {}

    public static final OutputColumn<Entry> IMAGE_ID =
            OutputColumn.of(ColumnNames.ID, DataTypes.StringType, "the image (as in the images table)", Entry::imageId);
    public static final OutputColumn<Entry> METHOD =
            OutputColumn.of("method", DataTypes.StringType, "the explainer", Entry::method);
    public static final OutputColumn<Entry> TARGET =
            OutputColumn.of("target", DataTypes.StringType, "`predicted` or `label`", Entry::target);
    public static final OutputColumn<Entry> EXPLAINED_CLASS = OutputColumn.of(
            "explained_class",
            DataTypes.IntegerType,
            "the class explained, by the trained and by every randomized model",
            Entry::explainedClass);
    public static final OutputColumn<Entry> RANDOM_CLASS = OutputColumn.of(
            "random_class",
            DataTypes.IntegerType,
            "the random other class of the random-logit test",
            Entry::randomClass);
    public static final OutputColumn<Entry> CASCADE_SPEARMAN = OutputColumn.of(
            "cascade_spearman",
            DataTypes.createArrayType(DataTypes.DoubleType, true),
            "Spearman correlation of the trained model's map with the map after each cascade step (head, then blocks"
                    + " top down; null where a map is constant)",
            e -> boxed(e.cascade()));
    public static final OutputColumn<Entry> RANDOM_LOGIT_SPEARMAN = OutputColumn.of(
            "random_logit_spearman",
            DataTypes.DoubleType,
            "Spearman correlation of the explained class's map with the random class's map",
            e -> Double.isNaN(e.randomLogit()) ? null : e.randomLogit());

    /** Every column, in table order. */
    public static final List<OutputColumn<Entry>> COLUMNS =
            List.of(IMAGE_ID, METHOD, TARGET, EXPLAINED_CLASS, RANDOM_CLASS, CASCADE_SPEARMAN, RANDOM_LOGIT_SPEARMAN);

    private static final StructType SCHEMA = OutputColumn.schema(COLUMNS);

    private SanityTable() {}

    public static StructType schema() {
        return SCHEMA;
    }

    public static Row row(Entry e) {
        return OutputColumn.row(COLUMNS, e, SCHEMA);
    }

    private static Double[] boxed(double[] v) {
        Double[] out = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.isNaN(v[i]) ? null : v[i];
        }
        return out;
    }
}
