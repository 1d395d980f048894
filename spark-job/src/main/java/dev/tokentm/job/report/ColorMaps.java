package dev.tokentm.job.report;

/**
 * Heatmap colours: a sequential map (dark blue through green to yellow, like viridis) for
 * relevance that is never negative, and a diverging map (blue, white, red) centred on zero for
 * signed relevance (LRP, ATTCAT), so negative evidence is not washed out by a min-max stretch.
 */
final class ColorMaps {

    private static final int[][] SEQUENTIAL = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}
    };
    private static final int[][] DIVERGING = {{33, 102, 172}, {247, 247, 247}, {178, 24, 43}};

    private ColorMaps() {}

    /** RGB for {@code t} in [0,1]. */
    static int sequential(double t) {
        return interpolate(SEQUENTIAL, t);
    }

    /** RGB for {@code t} in [−1,1]: blue below zero, white at zero, red above. */
    static int diverging(double t) {
        return interpolate(DIVERGING, (t + 1) / 2);
    }

    private static int interpolate(int[][] stops, double t) {
        double x = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (stops.length - 1);
        int i = Math.min((int) x, stops.length - 2);
        double f = x - i;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
            int v = (int) Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
            rgb = (rgb << 8) | v;
        }
        return rgb;
    }
}
