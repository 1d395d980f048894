package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Small tensor helpers shared by the explainers. */
final class Layers {

    private Layers() {}

    /** {@code M + I} for a batch of square maps {@code [B, N, N]}. */
    static NDArray addIdentity(NDArray maps) {
        Shape s = maps.getShape();
        NDArray eye = maps.getManager().eye(Math.toIntExact(s.get(1))).toType(maps.getDataType(), false);
        return maps.add(eye);
    }

    /**
     * GAE's per-block map (Chefer et al., ICCV 2021, Eq. 5): {@code mean_h (∇A ⊙ A)⁺} — the
     * gradient-weighted attention, negative contributions removed, averaged over heads.
     * {@code [B, H, N, N] -> [B, N, N]}.
     */
    static NDArray gradientWeighted(NDArray attention, NDArray gradient) {
        return gradient.mul(attention).clip(0, Float.MAX_VALUE).mean(new int[] {1});
    }

    /** {@code a / b} elementwise, and 0 where {@code b = 0}. */
    static NDArray divideOrZero(NDArray a, NDArray b) {
        NDArray zero = b.eq(0).toType(b.getDataType(), false);
        return a.div(b.add(zero)).mul(zero.neg().add(1));
    }

    /**
     * A block index as specs write it: from 0, or negative from the end (-1: the last). One before the
     * first stays negative, for {@link #checkBlock} to refuse as written.
     */
    static int fromEnd(int block, int depth) {
        return block < 0 && block >= -depth ? depth + block : block;
    }

    /** Refuses a block the model does not have, in one line naming the method. */
    static void checkBlock(String method, int block, int depth) {
        if (block >= depth || block < 0) {
            throw new IllegalArgumentException("method '" + method + "': block " + block + " is beyond the model's "
                    + depth + " blocks (0 to " + (depth - 1) + ")");
        }
    }

    static void checkStart(int startLayer, int depth, String method) {
        if (startLayer >= depth) {
            throw new IllegalArgumentException(
                    method + ": start layer " + startLayer + " is beyond the model's " + depth + " blocks");
        }
    }
}
