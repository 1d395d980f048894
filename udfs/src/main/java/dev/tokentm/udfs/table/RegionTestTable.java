package dev.tokentm.udfs.table;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of a region-removal test ({@code VitRegionTest}): per image, the tested class's
 * probability before and after a region of the frame was removed.
 */
public final class RegionTestTable {

    /**
     * One row.
     *
     * @param key the test the image belongs to, as given in the input
     * @param probability the tested class's softmax probability on the image; NaN for an error row
     * @param removedProbability the same with the region removed
     * @param error why the image could not be tested, or null
     */
    public record Entry(
            String imageId, String key, int testedClass, double probability, double removedProbability, String error) {}

    public static final OutputColumn<Entry> IMAGE_ID =
            OutputColumn.of(ColumnNames.ID, DataTypes.StringType, "the image (as in the images table)", Entry::imageId);
    public static final OutputColumn<Entry> KEY = OutputColumn.of(
            "key",
            DataTypes.StringType,
            "the test the image belongs to (the audit's: `target/class/strategy/side`, side `strategy` or `control`)",
            Entry::key);
    public static final OutputColumn<Entry> TESTED_CLASS = OutputColumn.of(
            "tested_class", DataTypes.IntegerType, "the class whose probability is measured", Entry::testedClass);
    public static final OutputColumn<Entry> PROBABILITY = OutputColumn.of(
            "probability",
            DataTypes.DoubleType,
            "the tested class's softmax probability on the image",
            e -> e.error() == null ? e.probability() : null);
    public static final OutputColumn<Entry> REMOVED_PROBABILITY = OutputColumn.of(
            "removed_probability",
            DataTypes.DoubleType,
            "the same with the region removed",
            e -> e.error() == null ? e.removedProbability() : null);
    public static final OutputColumn<Entry> ERROR =
            OutputColumn.of("error", DataTypes.StringType, "why the image could not be tested", Entry::error);

    public static final List<OutputColumn<Entry>> COLUMNS =
            List.of(IMAGE_ID, KEY, TESTED_CLASS, PROBABILITY, REMOVED_PROBABILITY, ERROR);

    private static final StructType SCHEMA = OutputColumn.schema(COLUMNS);

    private RegionTestTable() {}

    public static StructType schema() {
        return SCHEMA;
    }

    public static Row row(Entry e) {
        return OutputColumn.row(COLUMNS, e, SCHEMA);
    }
}
