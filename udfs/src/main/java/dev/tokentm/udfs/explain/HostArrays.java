package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java data that own their memory. DJL's PyTorch engine wraps a Java direct buffer
 * without copying it and keeps the buffer alive only through the array object it returned: a view or
 * alias of that array (a slice, a same-type {@code toType}) outlives it and then reads freed memory
 * once the buffer is collected (seen as garbage heatmaps in a test). A copy made by PyTorch does not.
 */
final class HostArrays {

    private HostArrays() {}

    /** {@code data} as a {@code shape} array of {@code type}, in PyTorch-owned memory of {@code manager}. */
    static NDArray of(NDManager manager, double[] data, Shape shape, DataType type) {
        NDArray host = manager.create(data, shape);
        NDArray owned = type == DataType.FLOAT64 ? host.duplicate() : host.toType(type, false);
        host.close();
        return owned;
    }
}
