package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.random.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cascading model-parameter randomization (Adebayo et al., "Sanity Checks for Saliency Maps",
 * NeurIPS 2018): the classification head is re-initialized first, then the blocks from the top
 * down, each step keeping the earlier ones random. A re-initialized tensor is Gaussian noise with
 * the trained tensor's own mean and standard deviation, so activations keep their scale while every
 * learned pattern is gone; the patch embedding, tokens and position embedding stay trained.
 */
public final class ModelRandomization {

    private ModelRandomization() {}

    /** The cascade's steps by name: {@code head}, then {@code block <depth-1>} down to {@code block 0}. */
    public static List<String> cascade(VitConfig config) {
        List<String> steps = new ArrayList<>();
        steps.add("head");
        for (int b = config.depth() - 1; b >= 0; b--) {
            steps.add("block " + b);
        }
        return steps;
    }

    /**
     * The trained model with the first {@code steps} steps of the cascade re-initialized. Tensors
     * that stay trained are shared with {@code trained} (not copied), which must outlive the result;
     * the new tensors are owned by the result.
     */
    public static VisionTransformer randomized(VisionTransformer trained, int steps, long seed) {
        VitConfig config = trained.config();
        if (steps < 0 || steps > cascade(config).size()) {
            throw new IllegalArgumentException(
                    "the cascade has " + cascade(config).size() + " steps, not " + steps);
        }
        NDManager manager = NDManager.newBaseManager(trained.device());
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trained.parameters().tensors().entrySet()) {
            String name = e.getKey();
            tensors.put(
                    name,
                    randomizedAt(name, config, steps) ? reinitialize(e.getValue(), name, seed, manager) : e.getValue());
        }
        return new VisionTransformer(VitParameters.of(config, tensors), manager);
    }

    /** Whether parameter {@code name} is random after {@code steps} steps. */
    static boolean randomizedAt(String name, VitConfig config, int steps) {
        if (steps >= 1 && (name.startsWith("head.") || name.startsWith("head_dist."))) {
            return true;
        }
        for (int k = 2; k <= steps; k++) {
            int block = config.depth() - (k - 1);
            if (name.startsWith("blocks." + block + ".")) {
                return true;
            }
        }
        return false;
    }

    private static NDArray reinitialize(NDArray trained, String name, long seed, NDManager manager) {
        float[] v = trained.toType(DataType.FLOAT32, false).toFloatArray();
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / v.length);
        Random random = new Random(Seeds.mix(seed, Seeds.of(name)));
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (mean + std * random.nextGaussian());
        }
        Shape shape = trained.getShape();
        return manager.create(out, shape).toType(trained.getDataType(), false);
    }
}
