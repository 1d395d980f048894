package dev.tokentm.job.output;

import java.util.Arrays;
import java.util.List;

/**
 * One method and target's sanity checks in {@code summary.json}: mean rank correlations with the
 * trained model's maps; null where a mean is undefined (JSON has no NaN).
 *
 * @param cascadeSteps the randomization cascade's steps by name
 * @param randomizationCorrelations after each step
 * @param randomLogitCorrelation with a random other class's maps
 * @param images sampled images behind the means
 * @param passed whether the maps changed when the model was destroyed
 */
public record SanitySummary(
        List<String> cascadeSteps,
        List<Double> randomizationCorrelations,
        Double randomLogitCorrelation,
        long images,
        boolean passed) {

    public SanitySummary {
        cascadeSteps = List.copyOf(cascadeSteps);
        randomizationCorrelations =
                java.util.Collections.unmodifiableList(new java.util.ArrayList<>(randomizationCorrelations));
    }

    /** From the means as computed, NaN for undefined. */
    public static SanitySummary of(
            List<String> steps, double[] cascade, double randomLogit, long images, boolean passed) {
        return new SanitySummary(
                steps,
                Arrays.stream(cascade).mapToObj(SanitySummary::finite).toList(),
                finite(randomLogit),
                images,
                passed);
    }

    /** The correlations after each step, NaN where undefined. */
    public double[] correlations() {
        return randomizationCorrelations.stream()
                .mapToDouble(c -> c == null ? Double.NaN : c)
                .toArray();
    }

    /** The random-logit correlation, NaN where undefined. */
    public double randomLogit() {
        return randomLogitCorrelation == null ? Double.NaN : randomLogitCorrelation;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
