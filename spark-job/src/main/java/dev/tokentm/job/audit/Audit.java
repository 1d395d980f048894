package dev.tokentm.job.audit;

import dev.tokentm.udfs.spark.VitRegionTest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The audit of one method's heatmaps, in order: pool the maps ({@link AuditedMaps}), find each
 * class's strategies ({@link StrategyStage}, {@link StrategyStats}), pick the shortcut candidates
 * ({@link ShortcutRule}), let a fixed-region candidate take in the images that use its region
 * ({@link RegionReach}), test each causally ({@link CausalTest}), count the right-for-the-wrong-reasons
 * predictions ({@link WrongReasons}).
 */
public final class Audit {

    /**
     * What an audit found.
     *
     * @param findings every strategy of every clustered class, confirmed shortcuts first, then by class
     * @param wrongReasons per class, the correct predictions resting off the object (empty without masks)
     * @param images audited images per class
     * @param tooFew classes with too few images to cluster
     * @param masks whether the run had object masks
     * @param seconds the audit's time
     */
    public record Result(
            AuditSettings settings,
            List<Finding> findings,
            List<WrongReasons.Count> wrongReasons,
            Map<ClassKey, Long> images,
            List<ClassKey> tooFew,
            boolean masks,
            double seconds) {

        public List<Finding> confirmed() {
            return findings.stream().filter(Finding::confirmed).toList();
        }
    }

    /** Where the audit writes the tables it needs while running. */
    public interface Sink {
        /** Writes the assigned images; returns them read back. */
        Dataset<Row> assignments(Dataset<Row> assigned);

        /** Where the causal tests' per-image rows go. */
        String testImages();
    }

    private Audit() {}

    private static List<Strategy> candidates(List<Strategy> strategies, AuditSettings settings) {
        return strategies.stream()
                .filter(s -> !ShortcutRule.reasons(s, settings).isEmpty())
                .toList();
    }

    /**
     * @param images the run's images table as its files hold it ({@link AuditedMaps#of})
     * @param input the run's input, for the causal tests' images
     * @param test the region test with the run's model and batch size
     */
    public static Result run(
            SparkSession spark,
            Dataset<Row> images,
            Dataset<Row> input,
            VitRegionTest test,
            AuditSettings settings,
            List<String> classNames,
            Sink sink,
            PrintStream out) {
        long start = System.nanoTime();
        Dataset<Row> maps =
                AuditedMaps.of(images, settings.method(), settings.grid()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            boolean masks =
                    !maps.where(maps.col(AuditedMaps.OUTSIDE).isNotNull()).isEmpty();
            if (!masks) {
                out.println("tokentm: audit: the run has no object masks (--masks, or a manifest's mask_path): "
                        + "strategies are judged by fixed regions only, and right-for-the-wrong-reasons is not "
                        + "counted");
            }
            StrategyStage.Fitted fitted = StrategyStage.fit(spark, maps, settings, classNames, out);
            double fitSeconds = (System.nanoTime() - start) / 1e9;
            Dataset<Row> clustered = StrategyStage.assign(spark, maps, fitted);
            List<Strategy> strategies = StrategyStats.of(spark, clustered, settings);
            List<RegionReach.Reach> reaches =
                    RegionReach.of(spark, clustered, candidates(strategies, settings), settings);
            Dataset<Row> assigned = sink.assignments(RegionReach.extend(spark, clustered, reaches));
            if (!reaches.isEmpty()) {
                strategies = StrategyStats.of(spark, assigned, settings);
            }
            strategies = StrategyStats.withImages(strategies, assigned, settings);
            List<Strategy> candidates = candidates(strategies, settings);
            double described = (System.nanoTime() - start) / 1e9;
            Map<StrategyStats.Id, CausalTest.Result> tests =
                    CausalTest.run(spark, candidates, assigned, input, test, settings, sink.testImages());
            double tested = (System.nanoTime() - start) / 1e9;
            List<Finding> findings = new ArrayList<>();
            for (Strategy s : strategies) {
                findings.add(new Finding(
                        s, ShortcutRule.reasons(s, settings), tests.get(new StrategyStats.Id(s.key(), s.index()))));
            }
            findings.sort(Comparator.comparing((Finding f) -> !f.confirmed())
                    .thenComparing(f -> f.strategy().key())
                    .thenComparingInt(f -> f.strategy().index()));
            List<WrongReasons.Count> wrong = masks ? WrongReasons.of(maps, settings) : List.of();
            Result result = new Result(
                    settings,
                    findings,
                    wrong,
                    fitted.images(),
                    fitted.tooFew(),
                    masks,
                    (System.nanoTime() - start) / 1e9);
            out.printf(
                    Locale.ROOT,
                    "tokentm: audit of %s: %d strategies in %d classes, %d shortcut candidates, %d confirmed "
                            + "(%.1f s: clustering %.1f, strategies %.1f, causal tests %.1f, the rest %.1f)%n",
                    settings.method(),
                    strategies.size(),
                    fitted.models().size(),
                    candidates.size(),
                    result.confirmed().size(),
                    result.seconds(),
                    fitSeconds,
                    described - fitSeconds,
                    tested - described,
                    result.seconds() - tested);
            return result;
        } finally {
            maps.unpersist();
        }
    }
}
