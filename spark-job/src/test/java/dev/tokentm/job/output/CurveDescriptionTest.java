package dev.tokentm.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.ImageSums;
import dev.tokentm.job.aggregate.MethodTarget;
import dev.tokentm.job.aggregate.MetricsAggregator;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.PerturbationPlan;
import dev.tokentm.udfs.metrics.PerturbationProtocol;
import dev.tokentm.udfs.metrics.PixelOrder;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.metrics.StepField;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.types.ArrayType;
import org.junit.jupiter.api.Test;

/**
 * The perturbation curves are described once ({@link Protocol}, {@link Curve}, {@link Score}): the
 * per-image columns, the sums, the dataset metrics, the printed sections and the passes the
 * evaluator runs all follow from that description, and no main source spells a protocol's, curve's
 * or score's name anywhere else.
 */
class CurveDescriptionTest {

    private static final Path REPO = Path.of(System.getProperty("tokentm.repo.dir", ".."));

    /** The files allowed to spell the names: the description itself and the removals' own names. */
    private static final Set<String> DESCRIPTION = Set.of(
            "Protocol.java",
            "Curve.java",
            "StepField.java",
            "Score.java",
            "Removal.java",
            "NoisyLinearImputer.java",
            "GaussianBlur.java");

    @Test
    void theImagesTableHasEachCurvesStepsAndEachScoreAndNoOtherPerturbationColumn() {
        List<String> expected = new ArrayList<>();
        for (Curve c : Curve.values()) {
            for (StepField f : c.fields()) {
                expected.add(c.prefix() + "_" + f.fieldName());
                assertEquals(
                        expected.get(expected.size() - 1), ImageTable.step(c, f).name());
            }
        }
        for (Score s : Score.values()) {
            expected.add(s.imageColumn());
        }
        List<String> perStep = ImageTable.COLUMNS.stream()
                .filter(c -> c.type() instanceof ArrayType && expected.contains(c.name()))
                .map(OutputColumn::name)
                .toList();
        List<String> steps = expected.subList(0, expected.size() - Score.values().length);
        assertEquals(steps, perStep, "per-step columns, in the description's order");
        List<String> names = ImageTable.COLUMNS.stream().map(OutputColumn::name).toList();
        int first = names.indexOf(steps.get(0));
        assertEquals(expected, names.subList(first, first + expected.size()), "steps, then scores, together");
    }

    @Test
    void theSumsReadEveryScoreAndEveryAccuracyCurve() {
        Set<String> input =
                ImageSums.INPUT.stream().map(OutputColumn::name).collect(java.util.stream.Collectors.toSet());
        for (Score s : Score.values()) {
            assertTrue(input.contains(s.imageColumn()), s.imageColumn());
        }
        for (Curve c : Curve.values()) {
            assertEquals(
                    c.hasAccuracy(),
                    c.fields().contains(StepField.CORRECT)
                            && input.contains(
                                    ImageTable.step(c, StepField.CORRECT).name()),
                    c + " is counted per step exactly when it records correctness");
            assertEquals(c.hasAccuracy(), Score.accuracyArea(c).isPresent(), c + " has an area of its accuracy");
        }
    }

    @Test
    void theMetricsTableHasEachScoreWithItsIntervalInItsProtocolsSectionAndEachAccuracyCurve() {
        List<String> names = MetricsTable.COLUMNS.stream()
                .map(MetricsTable.MetricColumn::name)
                .toList();
        for (Score s : Score.values()) {
            MetricsTable.MetricColumn c = MetricsTable.of(s);
            assertEquals(s.heading(), c.heading());
            assertEquals(s.label(), c.label());
            assertEquals(s.higherIsBetter(), c.better() == MetricsTable.Better.HIGHER);
            assertEquals(MetricsTable.Section.of(s.protocol()), c.section());
            assertEquals(names.indexOf(s.metricColumn()) + 1, names.indexOf(s.metricColumn() + "_ci95"));
        }
        for (Curve c : Curve.withAccuracy()) {
            assertTrue(names.contains("accuracy_" + c.prefix()), c.toString());
        }
        List<String> scores =
                java.util.Arrays.stream(Score.values()).map(Score::metricColumn).toList();
        List<String> shownScores = MetricsTable.shown().stream()
                .map(MetricsTable.MetricColumn::name)
                .filter(scores::contains)
                .toList();
        assertEquals(scores, shownScores, "shown in the description's order");
    }

    @Test
    void thePrintedTableHasASectionForEachProtocolThatRanWithItsScoresHeadings() {
        double[] fractions = {0, 0.5, 1};
        for (Protocol p : Protocol.removals()) {
            Bootstrap.Sums sums = new Bootstrap(0, 0).sums(fractions.length);
            Map<Curve, PerturbationCurve> curves = new EnumMap<>(Curve.class);
            for (Curve c : Curve.of(EnumSet.of(p))) {
                float[] logP = {-0.1f, -0.7f, -2f};
                float[] zeros = new float[3];
                boolean[] correct = {true, c.order() == PixelOrder.NEGATIVE, false};
                curves.put(
                        c,
                        new PerturbationCurve(c.order(), fractions, 1, 1, correct, zeros, zeros, logP, zeros, zeros));
            }
            ImageResult result = new ImageResult(
                    0, "m", TargetMode.LABEL, 1, new float[] {1f}, 1, 1, null, null, curves, null, 1, 0.9f, 0.01);
            sums.add(ImageTable.result(new ImageTable.Source("a", null, 1), result, "cpu"));
            MethodMetrics m = MetricsAggregator.of(new MethodTarget("m", TargetMode.LABEL), sums, fractions);
            String text = MetricsText.format(List.of(m));
            for (Protocol other : Protocol.removals()) {
                assertEquals(other == p, text.contains(other.title()), p + " printed:\n" + text);
            }
            for (Score s : Score.values()) {
                if (s.protocol() == p) {
                    assertTrue(text.contains(s.heading() + " " + (s.higherIsBetter() ? "^" : "v")), s + ":\n" + text);
                    assertTrue(!Double.isNaN(m.metrics().score(s)), s + " is measured");
                } else {
                    assertTrue(Double.isNaN(m.metrics().score(s)), s + " is not measured");
                }
            }
        }
    }

    /** A method spec longer than the column (parameters spelled out) widens it instead of shifting its row. */
    @Test
    void longMethodSpecsKeepThePrintedColumnsAligned() {
        double[] fractions = {0, 0.5, 1};
        List<MethodMetrics> rows = new java.util.ArrayList<>();
        for (String method : List.of("tokentm", "attnlrp(variant=cp,resolution=patch)")) {
            Bootstrap.Sums sums = new Bootstrap(0, 0).sums(fractions.length);
            Map<Curve, PerturbationCurve> curves = new EnumMap<>(Curve.class);
            for (Curve c : Curve.of(EnumSet.of(Protocol.ZERO))) {
                float[] zeros = new float[3];
                float[] logP = {-0.1f, -0.7f, -2f};
                boolean[] correct = {true, true, false};
                curves.put(
                        c,
                        new PerturbationCurve(c.order(), fractions, 1, 1, correct, zeros, zeros, logP, zeros, zeros));
            }
            ImageResult result = new ImageResult(
                    0, method, TargetMode.LABEL, 1, new float[] {1f}, 1, 1, null, null, curves, null, 1, 0.9f, 0.01);
            sums.add(ImageTable.result(new ImageTable.Source("a", null, 1), result, "cpu"));
            rows.add(MetricsAggregator.of(new MethodTarget(method, TargetMode.LABEL), sums, fractions));
        }
        List<String> lines = MetricsText.format(rows).lines().skip(1).limit(3).toList();
        int target = lines.get(0).indexOf("target");
        assertTrue(target > "attnlrp(variant=cp,resolution=patch)".length(), lines.get(0));
        for (String line : lines.subList(1, 3)) {
            assertEquals(target, line.indexOf(" label ") + 1, "the target column of\n" + String.join("\n", lines));
        }
    }

    @Test
    void theEvaluatorsPassesAreTheCurvesOfTheProtocols() {
        PerturbationProtocol published = PerturbationProtocol.published();
        int k = published.fractions().length;
        // Zeroing: deletion (the positive curve continued to the all-zero image) and the negative curve.
        assertEquals(
                2 * k + 1,
                PerturbationPlan.of(EnumSet.of(Protocol.ZERO), published).forwardsPerImage());
        assertEquals(
                2 * k, PerturbationPlan.of(EnumSet.of(Protocol.ROAD), published).forwardsPerImage());
        // Blurring: both orders, and insertion from the fully blurred image up to (not through) the image.
        assertEquals(
                3 * k + 1,
                PerturbationPlan.of(EnumSet.of(Protocol.BLUR), published).forwardsPerImage());
        PerturbationPlan all = PerturbationPlan.of(Protocol.all(), published);
        Set<Curve> drawn = new HashSet<>();
        all.runs().forEach(r -> drawn.addAll(r.curves()));
        assertEquals(EnumSet.allOf(Curve.class), drawn, "every curve is drawn once");
        assertEquals(Curve.values().length - 1, all.runs().size(), "positive and deletion share their pass");
    }

    /** Every string literal of the main sources outside the description. */
    private static List<String> literalsOutsideTheDescription() throws IOException {
        Pattern literal = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        List<String> found = new ArrayList<>();
        for (String module : List.of("udfs", "spark-job")) {
            try (Stream<Path> files = Files.walk(REPO.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (DESCRIPTION.contains(f.getFileName().toString())) {
                        continue;
                    }
                    for (String line : Files.readAllLines(f)) {
                        Matcher m = literal.matcher(line);
                        while (m.find()) {
                            found.add(f.getFileName() + ": \"" + m.group(1) + "\"");
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void noMainSourceSpellsAProtocolCurveOrScoreOutsideTheDescription() throws IOException {
        Set<String> names = new HashSet<>();
        for (Protocol p : Protocol.removals()) { // the sanity checks are a stage of their own, not curves
            names.add(p.label());
        }
        for (Curve c : Curve.values()) {
            names.add(c.prefix());
            c.fields().forEach(f -> names.add(c.prefix() + "_" + f.fieldName()));
            if (c.hasAccuracy()) {
                names.add("accuracy_" + c.prefix());
            }
        }
        for (Score s : Score.values()) {
            names.add(s.imageColumn());
            names.add(s.metricColumn());
        }
        List<String> strays = new ArrayList<>();
        for (String found : literalsOutsideTheDescription()) {
            String text = found.substring(found.indexOf('"') + 1, found.length() - 1);
            if (names.contains(text) || names.stream().anyMatch(n -> n.contains("_") && text.contains(n))) {
                strays.add(found);
            }
        }
        assertEquals(List.of(), strays, "protocol, curve and score names outside the description");
    }
}
