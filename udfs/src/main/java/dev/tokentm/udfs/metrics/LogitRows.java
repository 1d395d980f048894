package dev.tokentm.udfs.metrics;

import java.util.Arrays;

/** A batch's logits as per-image rows, and what the evaluator reads off them. */
final class LogitRows {

    private LogitRows() {}

    /** {@code [B · classes]} flat, as {@code B} rows. */
    static float[][] of(float[] flat, int batch) {
        int classes = flat.length / batch;
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(flat, b * classes, (b + 1) * classes);
        }
        return out;
    }

    /** Each row's softmax probability of its top class, {@code 1 / Σ exp(z − max)}. */
    static float[] topProbabilities(float[][] logits) {
        float[] p = new float[logits.length];
        for (int b = 0; b < logits.length; b++) {
            float max = Float.NEGATIVE_INFINITY;
            for (float z : logits[b]) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (float z : logits[b]) {
                sum += Math.exp(z - max);
            }
            p[b] = (float) (1 / sum);
        }
        return p;
    }
}
