package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.explain.ExplainContext;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.random.Seeds;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * The pieces of the sanity checks: heatmaps of a batch for given classes, the random other class
 * of the random-logit test (Sixt, Granz, Landgraf, "When Explanations Lie", ICML 2020), and the
 * Spearman rank correlation that compares two maps (Adebayo et al. NeurIPS 2018). A method whose
 * maps correlate strongly with those of a randomized model, or of another class, does not explain
 * the model's decision.
 */
public final class SanityCheck {

    /** Mean rank correlation with the fully randomized model at or above which a method fails. */
    public static final double FAILS_AT = 0.5;

    private SanityCheck() {}

    /**
     * The verdict on a method: it passes when its maps from the fully randomized model are not
     * similar to the trained model's (mean rank correlation below {@link #FAILS_AT}), or cannot be
     * compared (constant maps, NaN).
     */
    public static boolean passes(double meanCorrelationAfterCascade) {
        return Double.isNaN(meanCorrelationAfterCascade) || meanCorrelationAfterCascade < FAILS_AT;
    }

    /**
     * @param classes the class each image's maps explain
     * @param maps per method (in the explainers' order), per image, the row-major heatmap
     */
    public record Heatmaps(int[] classes, float[][][] maps) {}

    /**
     * Every method's heatmaps of a batch for the given classes, from one shared trace.
     *
     * @param rawImages un-normalized images in [0,1], {@code [B, C, H, W]}
     */
    public static Heatmaps heatmaps(
            VisionTransformer model, NDArray rawImages, TargetClasses targets, List<Explainer> explainers) {
        int batch = Math.toIntExact(rawImages.getShape().get(0));
        try (NDManager scope = rawImages.getManager().newSubManager()) {
            NDArray raw = rawImages.toType(DataType.FLOAT32, true);
            raw.attach(scope);
            NDArray normalized = model.config().preprocessing().normalize(raw);
            try (ExplainContext context = new ExplainContext(model, normalized, targets, explainers)) {
                float[][][] maps = new float[explainers.size()][batch][];
                for (int m = 0; m < explainers.size(); m++) {
                    float[] flat = explainers
                            .get(m)
                            .explain(context)
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    int cells = flat.length / batch;
                    for (int b = 0; b < batch; b++) {
                        maps[m][b] = java.util.Arrays.copyOfRange(flat, b * cells, (b + 1) * cells);
                    }
                }
                return new Heatmaps(context.targets(), maps);
            }
        }
    }

    /** For each image a class other than its explained one, uniform over the others, seeded per image. */
    public static int[] randomOtherClasses(int[] explained, int classes, long[] seeds) {
        if (classes < 2) {
            throw new IllegalArgumentException("the random-logit test needs at least two classes");
        }
        int[] other = new int[explained.length];
        for (int b = 0; b < other.length; b++) {
            int shift = 1 + new SplittableRandom(Seeds.mix(seeds[b], 0x5A17)).nextInt(classes - 1);
            other[b] = (explained[b] + shift) % classes;
        }
        return other;
    }

    /** Spearman's rank correlation of two maps (ties get their mean rank); NaN when one is constant. */
    public static double spearman(float[] a, float[] b) {
        double[] x = new double[a.length];
        double[] y = new double[b.length];
        for (int i = 0; i < a.length; i++) {
            x[i] = a[i];
            y[i] = b[i];
        }
        return new SpearmansCorrelation().correlation(x, y);
    }
}
