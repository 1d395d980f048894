package dev.tokentm.udfs.amortized;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.VitConfig;

/**
 * A coalition of patches as ViT Shapley's surrogate sees it (Covert et al., ICLR 2023, Sec. 4.1; their
 * {@code mask_location="pre-softmax"}): in every block and head the attention scores of the held-out
 * patches' keys get −∞, so no token reads them, while the prefix tokens ([CLS], registers) stay. The
 * bias is −10⁹ rather than −∞: its softmax weight is exactly 0 in float32 and float64 alike, and no
 * infinity enters the arithmetic.
 */
public final class CoalitionMask implements ForwardHook {

    /** Added to a held-out key's scores. */
    static final double HELD_OUT = -1e9;

    private final NDArray bias;

    private CoalitionMask(NDArray bias) {
        this.bias = bias;
    }

    /**
     * @param keep per image and patch, 1 when the patch is in the coalition, 0 when held out; {@code
     *     [batch * patches]}, row-major
     * @param like an array of the model's input whose manager, type and device the bias takes
     */
    public static CoalitionMask of(float[] keep, int batch, VitConfig config, NDArray like) {
        int n = config.numTokens();
        int prefix = config.numPrefixTokens();
        int patches = config.numPatches();
        if (keep.length != batch * patches) {
            throw new IllegalArgumentException(
                    "a coalition per image holds " + patches + " patches; got " + keep.length + " for " + batch);
        }
        float[] bias = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < patches; p++) {
                bias[b * n + prefix + p] = keep[b * patches + p] > 0 ? 0f : (float) HELD_OUT;
            }
        }
        NDArray array = like.getManager()
                .create(bias, new Shape(batch, 1, 1, n))
                .toType(like.getDataType(), false)
                .toDevice(like.getDevice(), false);
        return new CoalitionMask(array);
    }

    @Override
    public NDArray onTensor(int block, TracePoint point, NDArray value) {
        return point == TracePoint.ATTENTION_SCORES ? value.add(bias) : value;
    }

    @Override
    public boolean wants(TracePoint point) {
        return point == TracePoint.ATTENTION_SCORES;
    }
}
