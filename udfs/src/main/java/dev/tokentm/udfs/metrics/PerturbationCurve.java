package dev.tokentm.udfs.metrics;

/**
 * One image's perturbation test in one removal order. Index 0 is the unperturbed image; index k
 * has {@code fractions[k]} of its pixels removed.
 *
 * @param order which pixels went first
 * @param fractions fraction of pixels removed per step, starting at 0
 * @param label the true class, or -1 when unknown
 * @param explainedClass the class the heatmap explains (predicted or label)
 * @param correct whether the prediction equals the label (false when unlabelled)
 * @param topProbability the highest class probability
 * @param topLogit the highest logit
 * @param explainedLogProbability log-probability of the explained class
 * @param explainedLogit logit of the explained class
 * @param labelLogOdds {@code log(p_label / p_second)}, p_second the second-highest probability
 *     (as the published code); NaN when unlabelled
 */
public record PerturbationCurve(
        PixelOrder order,
        double[] fractions,
        int label,
        int explainedClass,
        boolean[] correct,
        float[] topProbability,
        float[] topLogit,
        float[] explainedLogProbability,
        float[] explainedLogit,
        float[] labelLogOdds) {

    /** Number of perturbation steps, not counting the unperturbed image. */
    public int steps() {
        return fractions.length - 1;
    }

    /**
     * AOPC, the area over the perturbation curve (Samek et al., IEEE TNNLS 2017), for the TokenTM
     * paper's Table 5: the mean drop of the explained class's probability over the steps, the
     * unperturbed one included, {@code 1/(K+1) Σ_{k=0..K} (p_0 − p_k)}. Higher is better when the
     * most relevant pixels go first.
     */
    public double aopc() {
        double p0 = Math.exp(explainedLogProbability[0]);
        double sum = 0;
        for (float logP : explainedLogProbability) {
            sum += p0 - Math.exp(logP);
        }
        return sum / fractions.length;
    }

    /**
     * Log-odds (LOdds; the log-odds score of Shrikumar et al., ICML 2017, in the form later works on
     * transformer explanations report it), for the TokenTM paper's Table 5: the mean change of the
     * explained class's log-probability over the perturbation steps,
     * {@code 1/K Σ_{k=1..K} log(p_k / p_0)}. Lower is better when the most relevant pixels go first.
     */
    public double logOdds() {
        double sum = 0;
        for (int k = 1; k < fractions.length; k++) {
            sum += explainedLogProbability[k] - explainedLogProbability[0];
        }
        return sum / steps();
    }

    /** The explained class's probability per step. */
    public float[] explainedProbability() {
        float[] p = new float[explainedLogProbability.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = (float) Math.exp(explainedLogProbability[k]);
        }
        return p;
    }

    /**
     * Area under this image's 0/1 accuracy curve over the fraction (trapezoid); its mean over
     * labelled images is the area under the dataset's accuracy curve. NaN without a label.
     */
    public double accuracyArea() {
        if (label < 0) {
            return Double.NaN;
        }
        double[] y = new double[correct.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = correct[k] ? 1 : 0;
        }
        return trapezoid(fractions, y);
    }

    /** Area under the explained class's probability over the fraction (trapezoid): RISE's deletion and insertion score. */
    public double probabilityArea() {
        float[] p = explainedProbability();
        double[] y = new double[p.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = p[k];
        }
        return trapezoid(fractions, y);
    }

    /** The first {@code n} steps of this curve. */
    public PerturbationCurve first(int n) {
        return new PerturbationCurve(
                order,
                java.util.Arrays.copyOf(fractions, n),
                label,
                explainedClass,
                java.util.Arrays.copyOf(correct, n),
                java.util.Arrays.copyOf(topProbability, n),
                java.util.Arrays.copyOf(topLogit, n),
                java.util.Arrays.copyOf(explainedLogProbability, n),
                java.util.Arrays.copyOf(explainedLogit, n),
                java.util.Arrays.copyOf(labelLogOdds, n));
    }

    /** Area under y(x) by the trapezoid rule. */
    public static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }
}
