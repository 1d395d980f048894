package dev.tokentm.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.tokentm.udfs.audit.HeatmapGrid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import scala.Tuple2;

/**
 * What each strategy is, from the assigned images, in Spark aggregations: per strategy the sums
 * behind its size, accuracy, relevance outside the mask and mean map; per class the share of
 * relevance in each strategy's region (so a region is judged against the rest of the class, not the
 * frame); and, once the images' strategies are final ({@link #withImages}), per strategy the images
 * nearest and farthest from its centre (a window, so only those ids reach the driver).
 */
public final class StrategyStats {

    /** A strategy of a class. */
    record Id(ClassKey key, int strategy) implements java.io.Serializable {}

    private static final int COUNT = 0;
    private static final int CORRECT = 1;
    private static final int LABELLED = 2;
    private static final int OUTSIDE = 3;
    private static final int MASKED = 4;
    private static final int MAP = 5;

    private StrategyStats() {}

    public static List<Strategy> of(SparkSession spark, Dataset<Row> assigned, AuditSettings settings) {
        Map<Id, double[]> sums =
                new TreeMap<>(java.util.Comparator.comparing(Id::key).thenComparingInt(Id::strategy));
        sums.putAll(assigned.javaRDD()
                .mapToPair(r -> new Tuple2<>(id(r), sums(r)))
                .reduceByKey(StrategyStats::add)
                .collectAsMap());
        Map<ClassKey, Long> classImages = new HashMap<>();
        Map<ClassKey, double[]> classSums = new HashMap<>();
        sums.forEach((id, s) -> {
            classImages.merge(id.key(), (long) s[COUNT], Long::sum);
            classSums.merge(id.key(), s, StrategyStats::add);
        });
        Map<Id, int[]> regions = new LinkedHashMap<>();
        sums.forEach((id, s) -> regions.put(id, region(meanMap(s), others(classSums.get(id.key()), s), settings)));
        Map<Id, Double> classRegionShare = classShares(spark, assigned, regions);
        List<Strategy> out = new ArrayList<>();
        sums.forEach((id, s) -> {
            double[] mean = meanMap(s);
            int[] region = regions.get(id);
            double[] others = others(classSums.get(id.key()), s);
            long n = (long) s[COUNT];
            long rest = classImages.get(id.key()) - n;
            double own = HeatmapGrid.mass(mean, region);
            double othersShare = rest == 0
                    ? Double.NaN
                    : (classRegionShare.getOrDefault(id, Double.NaN) * (rest + n) - own * n) / rest;
            out.add(new Strategy(
                    id.key(),
                    id.strategy(),
                    (long) s[COUNT],
                    classImages.get(id.key()),
                    (long) s[CORRECT],
                    (long) s[LABELLED],
                    s[MASKED] == 0 ? Double.NaN : s[OUTSIDE] / s[MASKED],
                    others == null || others[MASKED] == 0 ? Double.NaN : others[OUTSIDE] / others[MASKED],
                    mean,
                    region,
                    own,
                    othersShare,
                    List.of(),
                    List.of()));
        });
        return out;
    }

    /** The sums of the class's other strategies; null when this one is the whole class. */
    /** The strategies with their prototypes and outliers, from the images as finally assigned. */
    public static List<Strategy> withImages(List<Strategy> strategies, Dataset<Row> assigned, AuditSettings settings) {
        Map<Id, List<String>> prototypes = ranked(assigned, settings.prototypes(), false);
        Map<Id, List<String>> outliers = ranked(assigned, settings.prototypes(), true);
        return strategies.stream()
                .map(s -> {
                    Id id = new Id(s.key(), s.index());
                    return s.withImages(prototypes.getOrDefault(id, List.of()), outliers.getOrDefault(id, List.of()));
                })
                .toList();
    }

    private static double[] others(double[] classSums, double[] own) {
        if (classSums[COUNT] == own[COUNT]) {
            return null;
        }
        double[] s = classSums.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] -= own[i];
        }
        return s;
    }

    /**
     * Where a strategy's relevance sits that the rest of its class's does not: the fewest cells holding
     * {@link AuditSettings#regionShare()} of the positive part of (its mean map − the others' mean
     * map); its own map where it is the whole class.
     */
    static int[] region(double[] mean, double[] othersSums, AuditSettings settings) {
        if (othersSums == null) {
            return HeatmapGrid.region(mean, settings.regionShare());
        }
        double[] classMean = meanMap(othersSums);
        double[] excess = new double[mean.length];
        double total = 0;
        for (int i = 0; i < mean.length; i++) {
            excess[i] = Math.max(0, mean[i] - classMean[i]);
            total += excess[i];
        }
        return HeatmapGrid.region(total > 1e-9 ? excess : mean, settings.regionShare());
    }

    private static Id id(Row r) {
        return new Id(AuditedMaps.key(r), StrategyStage.strategy(r));
    }

    private static double[] sums(Row r) {
        double[] map = AuditedMaps.map(r);
        double[] s = new double[MAP + map.length];
        s[COUNT] = 1;
        Boolean correct = AuditedMaps.correct(r);
        if (correct != null) {
            s[LABELLED] = 1;
            s[CORRECT] = correct ? 1 : 0;
        }
        Double outside = AuditedMaps.outside(r);
        if (outside != null) {
            s[MASKED] = 1;
            s[OUTSIDE] = outside;
        }
        System.arraycopy(map, 0, s, MAP, map.length);
        return s;
    }

    private static double[] add(double[] a, double[] b) {
        double[] s = a.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += b[i];
        }
        return s;
    }

    private static double[] meanMap(double[] s) {
        double[] mean = new double[s.length - MAP];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = s[MAP + i] / s[COUNT];
        }
        return mean;
    }

    /** Per strategy, the mean share of its class's images' relevance in its region. */
    private static Map<Id, Double> classShares(SparkSession spark, Dataset<Row> assigned, Map<Id, int[]> regions) {
        Map<ClassKey, Map<Integer, int[]>> byClass = new HashMap<>();
        regions.forEach((id, cells) ->
                byClass.computeIfAbsent(id.key(), k -> new HashMap<>()).put(id.strategy(), cells));
        Broadcast<Map<ClassKey, Map<Integer, int[]>>> shared =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(byClass);
        Map<Id, double[]> sums = assigned.javaRDD()
                .flatMapToPair(r -> {
                    ClassKey key = AuditedMaps.key(r);
                    double[] map = AuditedMaps.map(r);
                    List<Tuple2<Id, double[]>> out = new ArrayList<>();
                    shared.value()
                            .getOrDefault(key, Map.of())
                            .forEach((s, cells) -> out.add(
                                    new Tuple2<>(new Id(key, s), new double[] {1, HeatmapGrid.mass(map, cells)})));
                    return out.iterator();
                })
                .reduceByKey(StrategyStats::add)
                .collectAsMap();
        Map<Id, Double> shares = new HashMap<>();
        sums.forEach((id, s) -> shares.put(id, s[1] / s[0]));
        return shares;
    }

    /** Per strategy, the ids of its {@code n} images nearest its centre (or farthest, when {@code far}). */
    private static Map<Id, List<String>> ranked(Dataset<Row> assigned, int n, boolean far) {
        Map<Id, List<String>> ids = new HashMap<>();
        if (n == 0) {
            return ids;
        }
        WindowSpec window = Window.partitionBy(
                        col(AuditedMaps.TARGET_COLUMN), col(AuditedMaps.CLASS), col(StrategyStage.STRATEGY))
                .orderBy(
                        far
                                ? col(StrategyStage.DISTANCE).desc()
                                : col(StrategyStage.DISTANCE).asc(),
                        col(AuditedMaps.ID));
        for (Row r : assigned.select(
                        col(AuditedMaps.ID),
                        col(AuditedMaps.TARGET_COLUMN),
                        col(AuditedMaps.CLASS),
                        col(StrategyStage.STRATEGY),
                        row_number().over(window).alias("rank"))
                .where(col("rank").leq(n))
                .orderBy(col("rank"))
                .collectAsList()) {
            ids.computeIfAbsent(new Id(new ClassKey(r.getString(1), r.getInt(2)), r.getInt(3)), k -> new ArrayList<>())
                    .add(r.getString(0));
        }
        return ids;
    }
}
