package dev.tokentm.job.output;

import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.audit.AuditedMaps;
import dev.tokentm.job.audit.CausalTest;
import dev.tokentm.job.audit.Finding;
import dev.tokentm.job.audit.StrategyStage;
import dev.tokentm.job.audit.WrongReasons;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The audit's tables under {@code <output>/audit/}: their columns, schemas and rows. */
public final class AuditTables {

    /** A finding with its class's name, as a row of the strategies table is made from. */
    public record Named(Finding finding, String className) {}

    private static final DataType PAIR = DataTypes.createArrayType(DataTypes.DoubleType, true);

    private static OutputColumn<Named> strategy(String name, DataType type, String doc, Function<Named, Object> v) {
        return OutputColumn.of(name, type, doc, v);
    }

    private static OutputColumn<Named> test(
            String name, DataType type, String doc, Function<CausalTest.Result, Object> v) {
        return OutputColumn.of(
                name,
                type,
                doc,
                n -> n.finding().test() == null ? null : v.apply(n.finding().test()));
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Double[] pair(Interval i) {
        return i.pair();
    }

    /** {@code audit/strategies/}: one row per strategy of each clustered class. */
    public static final List<OutputColumn<Named>> STRATEGIES = List.of(
            strategy(
                    "target",
                    DataTypes.StringType,
                    "`predicted` (grouped by the predicted class) or `label`",
                    n -> n.finding().strategy().key().target()),
            strategy("class", DataTypes.IntegerType, "the class", n -> n.finding()
                    .strategy()
                    .key()
                    .label()),
            strategy("class_name", DataTypes.StringType, "its name", Named::className),
            strategy(
                    "strategy",
                    DataTypes.IntegerType,
                    "the strategy's number within the class, 0 the largest",
                    n -> n.finding().strategy().index()),
            strategy("images", DataTypes.LongType, "images assigned to it", n -> n.finding()
                    .strategy()
                    .images()),
            strategy("share", DataTypes.DoubleType, "its share of the class's audited images", n -> n.finding()
                    .strategy()
                    .share()),
            strategy(
                    "accuracy",
                    DataTypes.DoubleType,
                    "the model's accuracy on its labelled images; null without labels",
                    n -> finite(n.finding().strategy().accuracy())),
            strategy(
                    "relevance_outside_mask",
                    DataTypes.DoubleType,
                    "mean share of its images' relevance outside the object mask; null without masks",
                    n -> finite(n.finding().strategy().outside())),
            strategy(
                    "mean_heatmap",
                    DataTypes.createArrayType(DataTypes.DoubleType, false),
                    "its images' mean pooled heatmap, row-major on the audit's grid, summing to 1",
                    n -> SparkArrays.boxed(n.finding().strategy().meanMap())),
            strategy(
                    "region",
                    DataTypes.createArrayType(DataTypes.IntegerType, false),
                    "where it puts relevance the class does not: the fewest grid cells (row-major) holding half of (its mean heatmap − the class's), positive part",
                    n -> SparkArrays.boxed(n.finding().strategy().region())),
            strategy("region_area", DataTypes.DoubleType, "the region's share of the frame", n -> n.finding()
                    .strategy()
                    .regionArea()),
            strategy(
                    "region_share",
                    DataTypes.DoubleType,
                    "mean share of its images' relevance in the region",
                    n -> n.finding().strategy().regionShare()),
            strategy(
                    "others_region_share",
                    DataTypes.DoubleType,
                    "mean share of the class's other images' relevance in the same region",
                    n -> finite(n.finding().strategy().othersRegionShare())),
            strategy(
                    "others_relevance_outside_mask",
                    DataTypes.DoubleType,
                    "mean share of the class's other images' relevance outside the object mask",
                    n -> finite(n.finding().strategy().othersOutside())),
            strategy(
                    "prototypes",
                    DataTypes.createArrayType(DataTypes.StringType, false),
                    "the images nearest its centre, nearest first",
                    n -> n.finding().strategy().prototypes().toArray(new String[0])),
            strategy(
                    "outliers",
                    DataTypes.createArrayType(DataTypes.StringType, false),
                    "its images farthest from its centre, farthest first",
                    n -> n.finding().strategy().outliers().toArray(new String[0])),
            strategy(
                    "candidate_reasons",
                    DataTypes.createArrayType(DataTypes.StringType, false),
                    "why it is a shortcut candidate (a fixed region the class does not use, relevance off the object);"
                            + " empty when it is not one",
                    n -> n.finding().reasons().toArray(new String[0])),
            test(
                    "test_images",
                    DataTypes.LongType,
                    "causal test: its images whose region was removed",
                    CausalTest.Result::images),
            test(
                    "control_images",
                    DataTypes.LongType,
                    "causal test: other images of the class, the same region removed",
                    CausalTest.Result::controlImages),
            test(
                    "drop",
                    DataTypes.DoubleType,
                    "causal test: mean drop of the class's probability when the region is removed from its images",
                    r -> finite(r.drop())),
            test("drop_ci95", PAIR, "its 95% bootstrap interval", r -> pair(r.dropCi())),
            test("control_drop", DataTypes.DoubleType, "the same on the control images", r -> finite(r.controlDrop())),
            test("control_drop_ci95", PAIR, "its 95% bootstrap interval", r -> pair(r.controlCi())),
            test("drop_difference", DataTypes.DoubleType, "`drop` − `control_drop`", r -> finite(r.difference())),
            test("drop_difference_ci95", PAIR, "its 95% bootstrap interval", r -> pair(r.differenceCi())),
            test(
                    "p_value",
                    DataTypes.DoubleType,
                    "the larger of the one-sided bootstrap p-values of `drop` > 0 and `drop_difference` > 0",
                    CausalTest.Result::pValue),
            test(
                    "confirmed",
                    DataTypes.BooleanType,
                    "a confirmed shortcut: `p_value` passes Benjamini-Hochberg at a 5% false discovery rate over the"
                            + " audit's tests; null when not tested",
                    CausalTest.Result::confirmed));

    /** {@code audit/wrong_reasons/}: per class, correct predictions resting off the object. */
    public static final List<OutputColumn<WrongReasons.Count>> WRONG_REASONS = List.of(
            OutputColumn.of("target", DataTypes.StringType, "`predicted` or `label`", c -> c.key()
                    .target()),
            OutputColumn.of(
                    "class", DataTypes.IntegerType, "the class", c -> c.key().label()),
            OutputColumn.of(
                    "correct", DataTypes.LongType, "its correct predictions with a mask", WrongReasons.Count::correct),
            OutputColumn.of(
                    "off_object",
                    DataTypes.LongType,
                    "of those, the ones with most of their relevance outside the object mask",
                    WrongReasons.Count::offObject),
            OutputColumn.of("share", DataTypes.DoubleType, "`off_object` / `correct`", WrongReasons.Count::share),
            OutputColumn.of("share_ci95", PAIR, "its 95% bootstrap interval", c -> pair(c.ci())));

    /** {@code audit/assignments/}: one row per audited image and target (the columns of the audit's frame). */
    public static final List<OutputColumn<Row>> ASSIGNMENTS = List.of(
            OutputColumn.of(AuditedMaps.ID, DataTypes.StringType, "the image", r -> r.get(0)),
            OutputColumn.of(AuditedMaps.TARGET_COLUMN, DataTypes.StringType, "`predicted` or `label`", r -> r.get(1)),
            OutputColumn.of(AuditedMaps.CLASS, DataTypes.IntegerType, "the explained class", r -> r.get(2)),
            OutputColumn.of(
                    AuditedMaps.CORRECT,
                    DataTypes.BooleanType,
                    "whether the prediction is the label; null" + " without one",
                    r -> r.get(3)),
            OutputColumn.of(
                    AuditedMaps.OUTSIDE,
                    DataTypes.DoubleType,
                    "share of relevance outside the object mask",
                    r -> r.get(4)),
            OutputColumn.of(
                    AuditedMaps.MAP,
                    DataTypes.createArrayType(DataTypes.DoubleType, false),
                    "the heatmap pooled to the audit's grid, row-major, summing to 1",
                    r -> r.get(5)),
            OutputColumn.of(
                    StrategyStage.STRATEGY, DataTypes.IntegerType, "its strategy within the class", r -> r.get(6)),
            OutputColumn.of(
                    StrategyStage.DISTANCE,
                    DataTypes.DoubleType,
                    "distance to the strategy's centre (PCA space): small = prototype, large = outlier",
                    r -> r.get(7)));

    public static final StructType STRATEGIES_SCHEMA = OutputColumn.schema(STRATEGIES);
    public static final StructType WRONG_REASONS_SCHEMA = OutputColumn.schema(WRONG_REASONS);

    private AuditTables() {}
}
