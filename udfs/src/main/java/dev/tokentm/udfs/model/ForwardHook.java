package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;

/**
 * Sees (and may replace) the tensors of every block while {@link VisionTransformer#forward} runs,
 * like a PyTorch forward hook. A hook that returns {@code value + probe} for a zero-valued probe
 * that requires a gradient reads the gradient at that point after the backward pass; one that
 * returns {@code value + epsilon} perturbs the model there.
 */
@FunctionalInterface
public interface ForwardHook {

    /** A hook that records nothing and changes nothing. */
    ForwardHook NONE = new ForwardHook() {
        @Override
        public NDArray onTensor(int block, TracePoint point, NDArray value) {
            return value;
        }

        @Override
        public boolean wants(TracePoint point) {
            return false;
        }
    };

    /**
     * Called once per block and point, in forward order.
     *
     * @param block the block index, 0-based
     * @param point which tensor this is
     * @param value the tensor
     * @return the tensor the forward pass continues with ({@code value} to leave it unchanged)
     */
    NDArray onTensor(int block, TracePoint point, NDArray value);

    /**
     * Whether this hook wants tensors of this point. Points off the logits' path (the value
     * projection) are computed only when a hook wants them.
     */
    default boolean wants(TracePoint point) {
        return true;
    }
}
