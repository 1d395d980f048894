package dev.tokentm.job.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter, ICLR 2019, Algorithm 2): Adam's moment estimates with the
 * weight decay applied to the weights directly, not through the gradient:
 * {@code m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 *  θ ← θ − lr·(m/(1−β1^t) / (√(v/(1−β2^t)) + ε) + λ·θ)}.
 * Parameters are updated in place; call {@link #step} with gradient recording off.
 */
final class AdamW {

    private final List<NDArray> parameters;
    private final List<Boolean> decay;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double epsilon = 1e-8;
    private final double weightDecay;
    private int t;

    /**
     * @param decay per parameter, whether weight decay applies (not to biases, norms, tokens)
     * @param state where the moment estimates live
     */
    AdamW(List<NDArray> parameters, List<Boolean> decay, double weightDecay, NDManager state) {
        this.parameters = parameters;
        this.decay = decay;
        this.weightDecay = weightDecay;
        for (NDArray p : parameters) {
            first.add(state.zeros(p.getShape(), p.getDataType()));
            second.add(state.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** One update with learning rate {@code lr}; gradients are zeroed afterwards. */
    void step(double lr, NDManager scratch) {
        t++;
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            NDArray g = p.getGradient();
            g.attach(scratch);
            NDArray m = first.get(i).muli(beta1).addi(g.mul(1 - beta1));
            NDArray v = second.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
            // Results of operations on the state or the weights belong to their managers: the
            // temporaries are moved to the scratch scope so those managers do not grow.
            NDArray update = scratch(m.div(correction1), scratch);
            update.divi(scratch(v.div(correction2), scratch).sqrt().addi(epsilon));
            if (decay.get(i)) {
                update.addi(scratch(p.mul(weightDecay), scratch));
            }
            p.subi(update.muli(lr));
            g.subi(g);
        }
    }

    /** The moment estimates, first then second, in parameter order (for a resumable checkpoint). */
    List<NDArray> moments() {
        List<NDArray> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** Updates taken so far. */
    int steps() {
        return t;
    }

    /** Continues from saved moments ({@link #moments} order) after {@code steps} updates. */
    void restore(List<NDArray> moments, int steps) {
        int n = parameters.size();
        for (int i = 0; i < n; i++) {
            first.get(i)
                    .set(moments.get(i)
                            .toType(first.get(i).getDataType(), false)
                            .toFloatArray());
            second.get(i)
                    .set(moments.get(n + i)
                            .toType(second.get(i).getDataType(), false)
                            .toFloatArray());
        }
        t = steps;
    }

    private static NDArray scratch(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }
}
