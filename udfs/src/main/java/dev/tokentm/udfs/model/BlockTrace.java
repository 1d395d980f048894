package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The recorded tensors of one block (see {@link TracePoint} for shapes) and, when the trace was
 * taken with gradients, the gradient of the target class scores with respect to each of them.
 * Arrays belong to the enclosing {@link VitTrace} and are released when it closes.
 */
public final class BlockTrace {

    private final int index;
    private final Map<TracePoint, NDArray> values;
    private final Map<TracePoint, NDArray> gradients;

    BlockTrace(int index, EnumMap<TracePoint, NDArray> values, EnumMap<TracePoint, NDArray> gradients) {
        this.index = index;
        this.values = Collections.unmodifiableMap(values);
        this.gradients = Collections.unmodifiableMap(gradients);
    }

    /** The block's index, 0-based. */
    public int index() {
        return index;
    }

    /** The recorded tensor at {@code point}. */
    public NDArray value(TracePoint point) {
        NDArray v = values.get(point);
        if (v == null) {
            throw new IllegalStateException(
                    point + " was not recorded in block " + index + "; ask for it in the TraceRequest");
        }
        return v;
    }

    /** The gradient of the target class scores with respect to the tensor at {@code point}. */
    public NDArray gradient(TracePoint point) {
        NDArray g = gradients.get(point);
        if (g == null) {
            String why = !point.onLogitPath()
                    ? point + " is not on the logits' path, so it has no gradient"
                    : "the trace of block " + index + " has no gradient for " + point
                            + "; ask for it in the TraceRequest (for example TraceRequest.withGradients(...))";
            throw new IllegalStateException(why);
        }
        return g;
    }

    /** Whether a gradient was recorded at {@code point}. */
    public boolean hasGradient(TracePoint point) {
        return gradients.containsKey(point);
    }

    public NDArray input() {
        return value(TracePoint.BLOCK_INPUT);
    }

    public NDArray attention() {
        return value(TracePoint.ATTENTION);
    }

    public NDArray valueProjection() {
        return value(TracePoint.VALUE_PROJECTION);
    }

    public NDArray attentionResidual() {
        return value(TracePoint.ATTENTION_RESIDUAL);
    }

    public NDArray mlpOutput() {
        return value(TracePoint.MLP_OUTPUT);
    }

    public NDArray output() {
        return value(TracePoint.BLOCK_OUTPUT);
    }

    public NDArray attentionGradient() {
        return gradient(TracePoint.ATTENTION);
    }
}
