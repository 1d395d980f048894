package dev.tokentm.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.percentile_approx;

import dev.tokentm.udfs.audit.HeatmapGrid;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fixed-region candidate's reach. Clustering groups images by their whole heatmap, so images that
 * put a modest share of relevance on a candidate's region (a corner mark at 4% of a map whose object
 * sits elsewhere) land in the clusters of their object's position. Such a candidate takes in every
 * other image of its class that puts at least {@value #LIFT} times the rest of the class's lower-quartile
 * share of relevance on its region, and more than the region's share of the frame, before the causal
 * test: a pattern is the region, wherever else the heatmap goes. (The lower quartile, not the median:
 * where a shortcut is most of a class, most of the rest use the region too.) Joined images get a NaN
 * distance.
 */
final class RegionReach {

    /** How many times the rest of the class's lower-quartile share of relevance on the region an image must put there. */
    static final double LIFT = 10;

    /** A candidate with its region and the share of relevance an image must put there to join it. */
    record Reach(ClassKey key, int strategy, int[] region, double threshold) implements Serializable {}

    private RegionReach() {}

    /**
     * @param candidates the shortcut candidates; those with a fixed region reach out
     * @return one reach per candidate with a fixed region
     */
    static List<Reach> of(SparkSession spark, Dataset<Row> assigned, List<Strategy> candidates, AuditSettings s) {
        List<Strategy> fixed = candidates.stream()
                .filter(c -> c.regionArea() <= s.regionArea() && c.regionLift() >= s.regionLift())
                .toList();
        if (fixed.isEmpty()) {
            return List.of();
        }
        List<Reach> drafts = fixed.stream()
                .map(c -> new Reach(c.key(), c.index(), c.region(), Double.NaN))
                .toList();
        Broadcast<List<Reach>> shared =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(drafts);
        StructType schema = new StructType().add("reach", DataTypes.IntegerType).add("share", DataTypes.DoubleType);
        Dataset<Row> shares = assigned.flatMap(
                (FlatMapFunction<Row, Row>) r -> {
                    ClassKey key = AuditedMaps.key(r);
                    int strategy = StrategyStage.strategy(r);
                    double[] map = AuditedMaps.map(r);
                    List<Row> out = new ArrayList<>();
                    List<Reach> all = shared.value();
                    for (int i = 0; i < all.size(); i++) {
                        Reach c = all.get(i);
                        if (c.key().equals(key) && c.strategy() != strategy) {
                            out.add(RowFactory.create(i, HeatmapGrid.mass(map, c.region())));
                        }
                    }
                    return out.iterator();
                },
                Encoders.row(schema));
        Map<Integer, Double> quartiles = new HashMap<>();
        for (Row r : shares.groupBy("reach")
                .agg(percentile_approx(col("share"), functions.lit(0.25), functions.lit(10_000)))
                .collectAsList()) {
            quartiles.put(r.getInt(0), r.getDouble(1));
        }
        List<Reach> reaches = new ArrayList<>();
        int cells = s.grid() * s.grid();
        for (int i = 0; i < drafts.size(); i++) {
            Reach d = drafts.get(i);
            double frame = (double) d.region().length / cells;
            reaches.add(new Reach(
                    d.key(), d.strategy(), d.region(), Math.max(frame, LIFT * quartiles.getOrDefault(i, 0.0))));
        }
        return reaches;
    }

    /** The assignments with each image that reaches a candidate's threshold moved to it (the highest ratio wins). */
    static Dataset<Row> extend(SparkSession spark, Dataset<Row> assigned, List<Reach> reaches) {
        if (reaches.isEmpty()) {
            return assigned;
        }
        Broadcast<List<Reach>> shared =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(reaches);
        return assigned.map(
                (MapFunction<Row, Row>) r -> {
                    ClassKey key = AuditedMaps.key(r);
                    double[] map = AuditedMaps.map(r);
                    Reach best = null;
                    double bestRatio = 1;
                    for (Reach c : shared.value()) {
                        if (c.key().equals(key) && c.strategy() != StrategyStage.strategy(r)) {
                            double ratio = HeatmapGrid.mass(map, c.region()) / c.threshold();
                            if (ratio >= bestRatio) {
                                best = c;
                                bestRatio = ratio;
                            }
                        }
                    }
                    if (best == null) {
                        return r;
                    }
                    Object[] values = new Object[r.length()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = r.get(i);
                    }
                    values[StrategyStage.STRATEGY_POSITION] = best.strategy();
                    values[StrategyStage.STRATEGY_POSITION + 1] = Double.NaN;
                    return RowFactory.create(values);
                },
                Encoders.row(assigned.schema()));
    }
}
