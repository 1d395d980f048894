package dev.tokentm.udfs.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A perturbation's logits, step-major: {@code logits[k · batch + b]} for step k of image b.
 *
 * @param order the removal order the steps followed
 * @param steps the fractions of the steps
 */
public record StepLogits(PixelOrder order, double[] steps, float[][] logits, int batch) {

    /** Each image's curve, read for its label and its explained class. */
    public List<PerturbationCurve> curves(int[] labels, int[] explained) {
        List<PerturbationCurve> curves = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            curves.add(curve(b, labels[b], explained[b]));
        }
        return curves;
    }

    /**
     * Image {@code image}'s curve, read for {@code label} (-1: unknown) and {@code explained}: at each
     * step the top class and its probability and logit, the explained class's log-probability and
     * logit, and {@code log(p_label / p_second)}.
     */
    public PerturbationCurve curve(int image, int label, int explained) {
        int n = steps.length;
        boolean[] correct = new boolean[n];
        float[] topProbability = new float[n];
        float[] topLogit = new float[n];
        float[] explainedLogProbability = new float[n];
        float[] explainedLogit = new float[n];
        float[] labelLogOdds = new float[n];
        for (int k = 0; k < n; k++) {
            float[] z = logits[k * batch + image];
            int top = 0;
            int second = -1;
            for (int c = 1; c < z.length; c++) {
                if (z[c] > z[top]) {
                    second = top;
                    top = c;
                } else if (second < 0 || z[c] > z[second]) {
                    second = c;
                }
            }
            double logSumExp = logSumExp(z, z[top]);
            correct[k] = label >= 0 && top == label;
            topProbability[k] = (float) Math.exp(z[top] - logSumExp);
            topLogit[k] = z[top];
            explainedLogProbability[k] = (float) (z[explained] - logSumExp);
            explainedLogit[k] = z[explained];
            // log(p_label / p_second) = z_label − z_second: softmax ratios are logit differences.
            labelLogOdds[k] = label >= 0 && second >= 0 ? z[label] - z[second] : Float.NaN;
        }
        return new PerturbationCurve(
                order,
                steps.clone(),
                label,
                explained,
                correct,
                topProbability,
                topLogit,
                explainedLogProbability,
                explainedLogit,
                labelLogOdds);
    }

    private static double logSumExp(float[] z, float max) {
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
