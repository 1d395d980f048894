package dev.tokentm.job.audit;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.BootstrapMean;
import dev.tokentm.job.aggregate.Interval;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Right for the wrong reasons: per class, the correct predictions whose relevance lies mostly off
 * the object ({@link AuditSettings#offObject()}), counted by Spark, their share of the class's correct
 * predictions with a 95% Poisson-bootstrap interval. Needs object masks.
 */
public final class WrongReasons {

    /** One class's count. */
    public record Count(ClassKey key, long correct, long offObject, double share, Interval ci) {}

    private WrongReasons() {}

    /** @param maps the audited maps ({@link AuditedMaps}) */
    public static List<Count> of(Dataset<Row> maps, AuditSettings settings) {
        Bootstrap bootstrap = settings.bootstrap();
        double threshold = settings.offObject();
        Map<ClassKey, BootstrapMean> sums = new TreeMap<>(maps.javaRDD()
                .filter(r -> Boolean.TRUE.equals(AuditedMaps.correct(r)) && AuditedMaps.outside(r) != null)
                .mapToPair(r -> new Tuple2<>(
                        AuditedMaps.key(r),
                        BootstrapMean.of(bootstrap, AuditedMaps.id(r), AuditedMaps.outside(r) > threshold ? 1 : 0)))
                .reduceByKey(BootstrapMean::plus)
                .collectAsMap());
        return sums.entrySet().stream()
                .map(e -> new Count(
                        e.getKey(),
                        e.getValue().count(),
                        Math.round(e.getValue().mean() * e.getValue().count()),
                        e.getValue().mean(),
                        e.getValue().interval()))
                .toList();
    }
}
