package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records operations for autograd on the calling thread only, and runs one backward pass.
 *
 * <p>DJL's own {@code GradientCollector} for PyTorch allows a single collector per JVM (a static
 * flag), so two Spark tasks explaining images in the same executor would fail. PyTorch's grad
 * mode is thread-local, so this scope switches it for the current thread and restores it on
 * close; concurrent scopes on different threads are independent.
 */
final class GradientScope implements AutoCloseable {

    private final boolean previous;

    private GradientScope(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Starts recording on this thread. */
    static GradientScope open() {
        return new GradientScope(true);
    }

    /**
     * Stops recording on this thread until closed. Native threads start with PyTorch's grad mode
     * on (DJL turns it off only on the thread that loads the engine), so forward-only passes on
     * Spark task threads switch it off explicitly.
     */
    static GradientScope disabled() {
        return new GradientScope(false);
    }

    /** Back-propagates from a scalar; gradients land on arrays marked as requiring them. */
    void backward(NDArray scalar) {
        if (!(scalar instanceof PtNDArray pt)) {
            throw new UnsupportedOperationException("gradients need DJL's PyTorch engine, got "
                    + scalar.getManager().getEngine().getEngineName());
        }
        if (scalar.getShape().size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar, got shape " + scalar.getShape());
        }
        NDArray seed = scalar.onesLike();
        JniUtils.backward(pt, (PtNDArray) seed, false, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
