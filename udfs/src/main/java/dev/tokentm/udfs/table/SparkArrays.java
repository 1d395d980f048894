package dev.tokentm.udfs.table;

import java.util.List;

/** Array columns between Java and Spark rows: boxed arrays into a {@code Row}, lists out of one. */
public final class SparkArrays {

    private SparkArrays() {}

    public static Double[] boxed(double[] a) {
        Double[] b = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    public static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    public static Integer[] boxed(int[] a) {
        Integer[] b = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    public static Boolean[] boxed(boolean[] a) {
        Boolean[] b = new Boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    /** A {@code boolean[]}, {@code float[]} or {@code double[]} boxed. */
    public static Object[] boxedArray(Object primitives) {
        if (primitives instanceof boolean[] b) {
            return boxed(b);
        }
        if (primitives instanceof float[] f) {
            return boxed(f);
        }
        if (primitives instanceof double[] d) {
            return boxed(d);
        }
        throw new IllegalArgumentException("not a boolean, float or double array: " + primitives);
    }

    /** A numeric array column as read back ({@code Row.getList}). */
    public static double[] doubles(List<?> values) {
        double[] d = new double[values.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) values.get(i)).doubleValue();
        }
        return d;
    }

    /** A float array column as read back, e.g. a heatmap. */
    public static float[] floats(List<?> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) values.get(i)).floatValue();
        }
        return f;
    }
}
