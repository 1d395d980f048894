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
}
