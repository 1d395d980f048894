package dev.tokentm.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.BootstrapMean;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.udfs.spark.VitRegionTest;
import dev.tokentm.udfs.table.RegionTestTable;
import dev.tokentm.udfs.table.SparkArrays;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Proof, not suspicion: for each candidate strategy, its region is removed ({@link VitRegionTest}:
 * ROAD's imputation or a blurred copy, not black; only away from the object where there are masks)
 * from up to {@link AuditSettings#testImages()} of its images and from as many other images of the
 * class (the control, the same region removed), and the
 * class's probability is measured before and after. Each image's drop is a paired difference; the
 * strategy's mean drop and its difference to the control's get 95% Poisson-bootstrap intervals and
 * one-sided bootstrap p-values. A candidate is confirmed when its drop is above 0 and above the
 * control's, both p-values passing Benjamini–Hochberg's false discovery rate of 5% over all the
 * audit's tests (an audit tests dozens of candidates; at a plain 5% level one in twenty would be
 * "confirmed" by chance). Both samples are the images with the smallest hash of id and seed, so a
 * re-run tests the same images.
 */
public final class CausalTest {

    /** The test of one candidate. */
    public record Result(
            long images,
            long controlImages,
            long failed,
            double drop,
            Interval dropCi,
            double controlDrop,
            Interval controlCi,
            double difference,
            Interval differenceCi,
            double pValue,
            boolean confirmed) {

        Result confirmed(boolean c) {
            return new Result(
                    images,
                    controlImages,
                    failed,
                    drop,
                    dropCi,
                    controlDrop,
                    controlCi,
                    difference,
                    differenceCi,
                    pValue,
                    c);
        }
    }

    /** The false discovery rate the confirmations control. */
    public static final double FALSE_DISCOVERY_RATE = 0.05;

    /**
     * Benjamini–Hochberg: with the m p-values sorted, the k smallest are discoveries for the largest k
     * with {@code p_(k) <= k/m · q}.
     */
    static Map<StrategyStats.Id, Result> confirm(Map<StrategyStats.Id, Result> results, double q) {
        List<Map.Entry<StrategyStats.Id, Result>> sorted = new ArrayList<>(results.entrySet());
        sorted.sort(Map.Entry.comparingByValue(java.util.Comparator.comparingDouble(Result::pValue)));
        int m = sorted.size();
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (sorted.get(i).getValue().pValue() <= (i + 1.0) / m * q) {
                k = i + 1;
            }
        }
        Map<StrategyStats.Id, Result> out = new HashMap<>();
        for (int i = 0; i < m; i++) {
            out.put(sorted.get(i).getKey(), sorted.get(i).getValue().confirmed(i < k));
        }
        return out;
    }

    /** A candidate and how many images each side of its test gets. */
    private record Candidate(ClassKey key, int strategy, int[] region, int images) implements Serializable {}

    static final String STRATEGY_ROLE = "strategy";
    static final String CONTROL_ROLE = "control";

    private CausalTest() {}

    /**
     * @param assigned the assigned images ({@link StrategyStage#assign})
     * @param input the run's input in the job's columns (image id, path or bytes, label, mask path)
     * @param test the region test, its model and batch set as the run's
     * @param rows where each tested image's probabilities are written (Parquet, rewritten); the
     *     aggregation reads them back, so the model runs once
     * @return per candidate (by class and strategy), its result
     */
    public static Map<StrategyStats.Id, Result> run(
            SparkSession spark,
            List<Strategy> candidates,
            Dataset<Row> assigned,
            Dataset<Row> input,
            VitRegionTest test,
            AuditSettings settings,
            String rows) {
        Map<StrategyStats.Id, Result> results = new HashMap<>();
        if (candidates.isEmpty()) { // an empty table, not a previous audit's
            spark.createDataFrame(List.of(), RegionTestTable.schema())
                    .write()
                    .mode(SaveMode.Overwrite)
                    .parquet(rows);
            return results;
        }
        List<Candidate> list = candidates.stream()
                .map(s -> new Candidate(
                        s.key(), s.index(), s.region(), (int) Math.min(settings.testImages(), s.images())))
                .toList();
        Broadcast<List<Candidate>> shared =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(list);
        StructType schema = new StructType()
                .add("test_id", DataTypes.StringType)
                .add("key", DataTypes.StringType)
                .add("tested_class", DataTypes.IntegerType)
                .add("region", DataTypes.createArrayType(DataTypes.IntegerType, false))
                .add("sample", DataTypes.IntegerType);
        Dataset<Row> cases = assigned.flatMap(cases(shared), Encoders.row(schema));
        Dataset<Row> sampled = cases.withColumn(
                        "rank",
                        row_number()
                                .over(Window.partitionBy(col("key"))
                                        .orderBy(
                                                xxhash64(
                                                        col("test_id"),
                                                        lit(settings.bootstrap().seed())),
                                                col("test_id"))))
                .where(col("rank").leq(col("sample")))
                .drop("rank", "sample");
        Dataset<Row> joined = sampled.join(input, sampled.col("test_id").equalTo(input.col(test.getIdCol())));
        Dataset<Row> tested = test.setRegionGrid(settings.grid())
                .transform(joined.drop(sampled.col("test_id"))
                        .repartition(spark.sparkContext().defaultParallelism()));
        tested.write().mode(SaveMode.Overwrite).parquet(rows);
        Bootstrap bootstrap = settings.bootstrap();
        Map<String, Tuple2<BootstrapMean, Long>> byKey = new HashMap<>(spark.read()
                .schema(RegionTestTable.schema())
                .parquet(rows)
                .javaRDD()
                .mapToPair(r -> {
                    String key = r.getString(1);
                    if (r.isNullAt(3) || r.isNullAt(4)) {
                        return new Tuple2<>(key, new Tuple2<>(BootstrapMean.empty(bootstrap), 1L));
                    }
                    double drop = r.getDouble(3) - r.getDouble(4);
                    return new Tuple2<>(key, new Tuple2<>(BootstrapMean.of(bootstrap, r.getString(0), drop), 0L));
                })
                .reduceByKey((a, b) -> new Tuple2<>(a._1().plus(b._1()), a._2() + b._2()))
                .collectAsMap());
        for (Candidate c : list) {
            Tuple2<BootstrapMean, Long> own = byKey.get(key(c, STRATEGY_ROLE));
            Tuple2<BootstrapMean, Long> control = byKey.get(key(c, CONTROL_ROLE));
            BootstrapMean a = own == null ? BootstrapMean.empty(bootstrap) : own._1();
            BootstrapMean b = control == null ? BootstrapMean.empty(bootstrap) : control._1();
            long failed = (own == null ? 0 : own._2()) + (control == null ? 0 : control._2());
            results.put(
                    new StrategyStats.Id(c.key(), c.strategy()),
                    new Result(
                            a.count(),
                            b.count(),
                            failed,
                            a.mean(),
                            a.interval(),
                            b.mean(),
                            b.interval(),
                            a.mean() - b.mean(),
                            BootstrapMean.difference(a, b),
                            a.count() == 0 || b.count() == 0
                                    ? 1
                                    : Math.max(a.pAboveZero(), BootstrapMean.pAboveZero(a, b)),
                            false));
        }
        return confirm(results, FALSE_DISCOVERY_RATE);
    }

    /** For each assigned image, a row per candidate it serves: as one of the strategy's images, or as a control. */
    private static FlatMapFunction<Row, Row> cases(Broadcast<List<Candidate>> shared) {
        return r -> {
            ClassKey key = AuditedMaps.key(r);
            int strategy = StrategyStage.strategy(r);
            List<Row> out = new ArrayList<>();
            for (Candidate c : shared.value()) {
                if (c.key().equals(key)) {
                    String role = c.strategy() == strategy ? STRATEGY_ROLE : CONTROL_ROLE;
                    out.add(RowFactory.create(
                            AuditedMaps.id(r), key(c, role), key.label(), SparkArrays.boxed(c.region()), c.images()));
                }
            }
            return out.iterator();
        };
    }

    static String key(Candidate c, String role) {
        return c.key().target() + "/" + c.key().label() + "/" + c.strategy() + "/" + role;
    }
}
