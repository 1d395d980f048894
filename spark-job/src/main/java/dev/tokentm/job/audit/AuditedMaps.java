package dev.tokentm.job.audit;

import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.EXPLAINED_CLASS;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP_HEIGHT;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP_WIDTH;
import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.LABEL;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.PREDICTED;
import static dev.tokentm.udfs.table.ImageTable.RELEVANCE_OUTSIDE_MASK;
import static dev.tokentm.udfs.table.ImageTable.TARGET;

import dev.tokentm.udfs.audit.HeatmapGrid;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The audited method's heatmaps as the audit reads them: one row per image and explained class
 * ({@code target}: the prediction's heatmaps are grouped by the predicted class, the label's by the
 * label), the map pooled to the audit's grid ({@link HeatmapGrid}), whether the prediction was right,
 * and the share of relevance outside the object mask. Maps without positive relevance are left out.
 */
public final class AuditedMaps {

    public static final String ID = IMAGE_ID.name();
    public static final String TARGET_COLUMN = TARGET.name();
    public static final String CLASS = "class";
    public static final String CORRECT = "correct";
    public static final String OUTSIDE = "relevance_outside_mask";
    public static final String MAP = "map";

    static final StructType SCHEMA = new StructType()
            .add(ID, DataTypes.StringType, false)
            .add(TARGET_COLUMN, DataTypes.StringType, false)
            .add(CLASS, DataTypes.IntegerType, false)
            .add(CORRECT, DataTypes.BooleanType, true)
            .add(OUTSIDE, DataTypes.DoubleType, true)
            .add(MAP, DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private AuditedMaps() {}

    /** The image's id in a row of this layout (rows made in a task carry no schema, so by position). */
    static String id(Row r) {
        return r.getString(0);
    }

    /** The row's audited class. */
    static ClassKey key(Row r) {
        return new ClassKey(r.getString(1), r.getInt(2));
    }

    /** Whether the prediction is the label; null without a label. */
    static Boolean correct(Row r) {
        return r.isNullAt(3) ? null : r.getBoolean(3);
    }

    /** The share of relevance outside the object mask; null without a mask. */
    static Double outside(Row r) {
        return r.isNullAt(4) ? null : r.getDouble(4);
    }

    /** The pooled heatmap. */
    static double[] map(Row r) {
        return SparkArrays.doubles(r.getList(5));
    }

    /**
     * @param images the run's images table, one row per image, method and target
     * @throws IllegalArgumentException naming the methods there when {@code method} is not one of them
     */
    public static Dataset<Row> of(Dataset<Row> images, String method, int grid) {
        String spec = ExplainerRegistry.canonical(method);
        Dataset<Row> rows =
                images.where(METHOD.col().equalTo(spec).and(ERROR.col().isNull()));
        if (rows.isEmpty()) {
            List<String> present = images.where(METHOD.col().isNotNull())
                    .select(METHOD.col())
                    .distinct()
                    .orderBy(METHOD.col())
                    .as(Encoders.STRING())
                    .collectAsList();
            throw new IllegalArgumentException("audit: no heatmaps of method '" + spec + "' in the output"
                    + (present.isEmpty() ? " (it holds none)" : " (it holds " + String.join(", ", present) + ")")
                    + "; audit one of those with --audit-method, or explain with it first");
        }
        return rows.select(
                        IMAGE_ID.col(),
                        TARGET.col(),
                        EXPLAINED_CLASS.col(),
                        LABEL.col(),
                        PREDICTED.col(),
                        RELEVANCE_OUTSIDE_MASK.col(),
                        HEATMAP.col(),
                        HEATMAP_HEIGHT.col(),
                        HEATMAP_WIDTH.col())
                .dropDuplicates(IMAGE_ID.name(), TARGET.name())
                .flatMap(pool(grid), Encoders.row(SCHEMA));
    }

    private static FlatMapFunction<Row, Row> pool(int grid) {
        return r -> {
            List<Float> values = r.getList(6);
            float[] heatmap = new float[values.size()];
            for (int i = 0; i < heatmap.length; i++) {
                Float v = values.get(i);
                heatmap[i] = v == null ? Float.NaN : v;
            }
            double[] map = HeatmapGrid.pooled(heatmap, r.getInt(7), r.getInt(8), grid);
            if (map == null) {
                return List.<Row>of().iterator();
            }
            Boolean correct = r.isNullAt(3) ? null : r.getInt(3) == r.getInt(4);
            Double outside = r.isNullAt(5) ? null : r.getDouble(5);
            return List.of(RowFactory.create(
                            r.getString(0), r.getString(1), r.getInt(2), correct, outside, SparkArrays.boxed(map)))
                    .iterator();
        };
    }
}
