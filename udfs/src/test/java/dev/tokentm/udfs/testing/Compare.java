package dev.tokentm.udfs.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Array comparisons for numeric tests. */
public final class Compare {

    private Compare() {}

    /** ‖actual − expected‖₂ / ‖expected‖₂, computed in float64. */
    public static double relativeL2(NDArray actual, NDArray expected) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        double[] a = actual.toType(DataType.FLOAT64, true).toDoubleArray();
        double[] e = expected.toType(DataType.FLOAT64, true).toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
    }

    /** Asserts a relative L2 error below {@code tolerance}, naming what was compared. */
    public static void assertClose(NDArray actual, NDArray expected, double tolerance, String what) {
        double err = relativeL2(actual, expected);
        System.out.printf("%s: relative L2 error %.3e (tolerance %.0e)%n", what, err, tolerance);
        assertTrue(err < tolerance, what + ": relative L2 error " + err + " is not below " + tolerance);
    }
}
