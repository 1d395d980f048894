package dev.tokentm.job.audit;

import dev.tokentm.udfs.audit.Strategies;
import dev.tokentm.udfs.random.Seeds;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Each class's strategies, fitted and assigned in Spark: the images are counted per class; each
 * class's fitting sample (all its images up to {@link AuditSettings#fitImages()}, else a sample seeded
 * by each image's id) is grouped into one task, which clusters it ({@link
 * dev.tokentm.udfs.audit.StrategyClustering}); the fitted models (a few kilobytes each) come to the
 * driver and are broadcast, and every image is assigned to its class's strategy in a map. No image's
 * data reaches the driver.
 */
public final class StrategyStage {

    public static final String STRATEGY = "strategy";
    public static final String DISTANCE = "distance";

    /** Where {@value #STRATEGY} is in an assigned row (rows made in a task carry no schema); the distance follows. */
    static final int STRATEGY_POSITION = 6;

    /**
     * The fitted classes.
     *
     * @param models each clustered class's strategies
     * @param images audited images per class, clustered or not
     * @param tooFew classes with too few images to cluster
     */
    public record Fitted(Map<ClassKey, Strategies> models, Map<ClassKey, Long> images, List<ClassKey> tooFew) {}

    private StrategyStage() {}

    public static Fitted fit(
            SparkSession spark, Dataset<Row> maps, AuditSettings settings, List<String> classNames, PrintStream out) {
        Map<ClassKey, Long> counts = new TreeMap<>();
        for (Row r : maps.groupBy(AuditedMaps.TARGET_COLUMN, AuditedMaps.CLASS)
                .count()
                .collectAsList()) {
            counts.put(new ClassKey(r.getString(0), r.getInt(1)), r.getLong(2));
        }
        List<ClassKey> tooFew = counts.entrySet().stream()
                .filter(e -> e.getValue() < settings.minImages())
                .map(Map.Entry::getKey)
                .toList();
        if (!tooFew.isEmpty()) {
            out.println("tokentm: audit: not clustered, fewer than " + settings.minImages() + " images: "
                    + tooFew.stream()
                            .map(k -> k.describe(classNames) + " (" + counts.get(k) + ")")
                            .collect(Collectors.joining(", ")));
        }
        Map<ClassKey, Double> fractions = new LinkedHashMap<>();
        counts.forEach((k, n) -> {
            if (n >= settings.minImages()) {
                fractions.put(k, Math.min(1.0, (double) settings.fitImages() / n));
            }
        });
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<ClassKey, Double>> sampled = context.broadcast(fractions);
        long seed = settings.bootstrap().seed();
        Map<ClassKey, Strategies> models = new TreeMap<>(maps.javaRDD()
                .filter(r -> {
                    Double f = sampled.value().get(AuditedMaps.key(r));
                    return f != null && (f >= 1 || uniform(seed, AuditedMaps.id(r)) < f);
                })
                .mapToPair(r -> new Tuple2<>(AuditedMaps.key(r), new Tuple2<>(AuditedMaps.id(r), AuditedMaps.map(r))))
                .groupByKey()
                .mapValues(group -> {
                    // in id order, so the fit does not depend on how Spark partitioned the rows
                    List<Tuple2<String, double[]>> list = new ArrayList<>();
                    group.forEach(list::add);
                    list.sort(java.util.Comparator.comparing(Tuple2::_1));
                    return settings.clustering()
                            .fit(list.stream().map(Tuple2::_2).toList());
                })
                .collectAsMap());
        return new Fitted(models, counts, tooFew);
    }

    /**
     * Every image of a clustered class with its strategy and its distance to the strategy's centre;
     * the columns of {@link AuditedMaps} plus {@value #STRATEGY} and {@value #DISTANCE}.
     */
    public static Dataset<Row> assign(SparkSession spark, Dataset<Row> maps, Fitted fitted) {
        Broadcast<Map<ClassKey, Strategies>> models =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new LinkedHashMap<>(fitted.models()));
        StructType schema = AuditedMaps.SCHEMA
                .add(STRATEGY, DataTypes.IntegerType, false)
                .add(DISTANCE, DataTypes.DoubleType, false);
        return maps.flatMap(
                (org.apache.spark.api.java.function.FlatMapFunction<Row, Row>) r -> {
                    Strategies s = models.value().get(AuditedMaps.key(r));
                    if (s == null) {
                        return List.<Row>of().iterator();
                    }
                    Strategies.Assignment a = s.assign(AuditedMaps.map(r));
                    Object[] values = new Object[r.length() + 2];
                    for (int i = 0; i < r.length(); i++) {
                        values[i] = r.get(i);
                    }
                    values[r.length()] = a.strategy();
                    values[r.length() + 1] = a.distance();
                    return List.of(RowFactory.create(values)).iterator();
                },
                Encoders.row(schema));
    }

    /** An assigned row's strategy. */
    static int strategy(Row r) {
        return r.getInt(STRATEGY_POSITION);
    }

    /** A uniform draw in [0, 1) fixed by the seed and the image's id. */
    static double uniform(long seed, String imageId) {
        return (Seeds.mix(seed, Seeds.of(imageId)) >>> 11) * 0x1.0p-53;
    }
}
