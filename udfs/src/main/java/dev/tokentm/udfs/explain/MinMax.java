package dev.tokentm.udfs.explain;

/**
 * Min-max scaling of one map to [0, 1], without an epsilon, as the code of LeGrad, ViT-ReciproCAM and TIS
 * scales its maps; a flat map (no value stands out) becomes 0 everywhere, where theirs would divide by 0.
 */
final class MinMax {

    private MinMax() {}

    /** {@code (v − min) / (max − min)}, in place; returns {@code map}. */
    static double[] scaled(double[] map) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        for (int i = 0; i < map.length; i++) {
            map[i] = max > min ? (map[i] - min) / (max - min) : 0;
        }
        return map;
    }
}
