package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokentm.udfs.image.BilinearUpsampler;
import org.junit.jupiter.api.Test;

/**
 * Upsampling, average precision and pixel order against hand-computed values: bilinear upsampling
 * against PyTorch's values; average precision with ties; pixel order ties; ranks and average
 * precision (also pooled from two sorted halves) equal bit for bit their definitions by comparator
 * sorts on 200 random maps with ties and signed zeros, and one pixel ranking's both orders on 20
 * maps of 1k–10k pixels with infinities and NaN too.
 */
class MetricPrimitivesTest {

    @Test
    void bilinearMatchesPyTorchAlignCornersFalse() {
        // torch.nn.functional.interpolate(tensor([[[[0., 1.], [2., 3.]]]]), size=4, mode="bilinear")
        double[] expected = {
            0.0, 0.25, 0.75, 1.0,
            0.5, 0.75, 1.25, 1.5,
            1.5, 1.75, 2.25, 2.5,
            2.0, 2.25, 2.75, 3.0
        };
        assertArrayEquals(expected, BilinearUpsampler.resize(new float[] {0, 1, 2, 3}, 2, 2, 4, 4), 1e-12);
    }

    @Test
    void bilinearWeightsResizeAsTheMapResize() {
        float[] map = {0, 1, 2, 3, 5, 8};
        double[] rows = BilinearUpsampler.weights(2, 5); // [5, 2]
        double[] cols = BilinearUpsampler.weights(3, 4); // [4, 3]
        double[] expected = BilinearUpsampler.resize(map, 2, 3, 5, 4);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 4; x++) {
                double v = 0;
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        v += rows[y * 2 + i] * map[i * 3 + j] * cols[x * 3 + j];
                    }
                }
                assertEquals(expected[y * 4 + x], v, 1e-12);
            }
        }
    }

    @Test
    void bilinearKeepsConstantsAndIsTheIdentityAtTheSameSize() {
        float[] map = {1, 5, 2, 7, 3, 9};
        assertArrayEquals(new double[] {1, 5, 2, 7, 3, 9}, BilinearUpsampler.resize(map, 2, 3, 2, 3), 0);
        double[] up = BilinearUpsampler.resize(new float[] {4, 4, 4, 4}, 2, 2, 7, 5);
        for (double v : up) {
            assertEquals(4, v, 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> BilinearUpsampler.resize(map, 2, 2, 4, 4));
    }

    @Test
    void averagePrecisionByHand() {
        // thresholds .9 (P=1, R=.5), .8 (P=.5, R=.5), .7 (P=2/3, R=1), .6: AP = .5·1 + .5·2/3
        assertEquals(
                0.5 + 0.5 * 2 / 3.0,
                AveragePrecision.of(new double[] {0.9, 0.8, 0.7, 0.6}, new boolean[] {true, false, true, false}),
                1e-12);
        // all scores tied: one threshold, precision = share of positives
        assertEquals(
                1 / 3.0, AveragePrecision.of(new double[] {0.5, 0.5, 0.5}, new boolean[] {true, false, false}), 1e-12);
        // a tie across a positive and a negative at the top
        assertEquals(
                0.5 * 0.5 + 0.5 * (2 / 3.0),
                AveragePrecision.of(new double[] {1, 1, 0.2}, new boolean[] {true, false, true}),
                1e-12);
        assertEquals(0.0, AveragePrecision.of(new double[] {0.3, 0.1}, new boolean[] {false, false}));
        assertEquals(1.0, AveragePrecision.of(new double[] {0.3, 0.1}, new boolean[] {true, false}));
    }

    @Test
    void pixelOrderBreaksTiesByIndex() {
        double[] relevance = {1, 3, 3, 0};
        assertArrayEquals(new int[] {2, 0, 1, 3}, PixelOrder.POSITIVE.ranks(relevance));
        assertArrayEquals(new int[] {1, 2, 3, 0}, PixelOrder.NEGATIVE.ranks(relevance));
        double[] constant = {2, 2, 2};
        assertArrayEquals(new int[] {0, 1, 2}, PixelOrder.POSITIVE.ranks(constant));
        assertArrayEquals(new int[] {0, 1, 2}, PixelOrder.NEGATIVE.ranks(constant));
    }

    /**
     * Ranks and average precision equal, bit for bit, their definitions by a comparator sort of
     * boxed indices (how they were computed before grouping values with a primitive sort), on
     * maps with many ties, signed zeros and an 8-value alphabet.
     */
    @Test
    void groupedRanksAndAveragePrecisionEqualTheirComparatorDefinitions() {
        java.util.Random random = new java.util.Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(500);
            double[] values = new double[n];
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                values[i] = trial % 2 == 0 ? random.nextInt(8) - 3 : random.nextGaussian();
                if (values[i] == 0 && random.nextBoolean()) {
                    values[i] = -0.0;
                }
                positive[i] = random.nextInt(3) == 0;
            }
            for (PixelOrder order : PixelOrder.values()) {
                assertArrayEquals(comparatorRanks(values, order == PixelOrder.POSITIVE), order.ranks(values));
            }
            assertEquals(comparatorAveragePrecision(values, positive), AveragePrecision.of(values, positive), 0.0);
            // Two halves pooled by merging their sorted scores: the AP of the whole.
            int half = n / 2;
            double[] a = java.util.Arrays.copyOfRange(values, 0, half);
            double[] b = java.util.Arrays.copyOfRange(values, half, n);
            boolean[] pa = java.util.Arrays.copyOfRange(positive, 0, half);
            boolean[] pb = java.util.Arrays.copyOfRange(positive, half, n);
            double pooled = AveragePrecision.ofSorted(
                    AveragePrecision.merged(AveragePrecision.sorted(a), AveragePrecision.sorted(b)),
                    AveragePrecision.merged(
                            AveragePrecision.sorted(AveragePrecision.positiveScores(a, pa)),
                            AveragePrecision.sorted(AveragePrecision.positiveScores(b, pb))));
            assertEquals(comparatorAveragePrecision(values, positive), pooled, 0.0);
        }
    }

    /**
     * One ranking serves both orders on maps as large as images (the radix sort's own path, not
     * its small-array fallback), with ties, signed zeros, infinities and NaN, which
     * {@link Double#compare} puts above everything.
     */
    @Test
    void rankingOfLargeMapsEqualsTheComparatorDefinition() {
        java.util.Random random = new java.util.Random(11);
        double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300};
        for (int trial = 0; trial < 20; trial++) {
            int n = 1_000 + random.nextInt(9_000);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                values[i] = kind == 0
                        ? specials[random.nextInt(specials.length)]
                        : kind < 4 ? random.nextInt(16) / 8.0 - 1 : random.nextGaussian();
            }
            PixelRanking ranking = PixelRanking.of(values);
            for (PixelOrder order : PixelOrder.values()) {
                assertArrayEquals(comparatorRanks(values, order == PixelOrder.POSITIVE), ranking.ranks(order));
            }
        }
    }

    private static int[] comparatorRanks(double[] relevance, boolean mostFirst) {
        Integer[] order = new Integer[relevance.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byValue =
                    mostFirst ? Double.compare(relevance[b], relevance[a]) : Double.compare(relevance[a], relevance[b]);
            return byValue != 0 ? byValue : Integer.compare(a, b);
        });
        int[] rank = new int[relevance.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }

    private static double comparatorAveragePrecision(double[] scores, boolean[] positive) {
        int positives = 0;
        for (boolean p : positive) {
            positives += p ? 1 : 0;
        }
        if (positives == 0) {
            return 0;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order,
                java.util.Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double ap = 0;
        double previousRecall = 0;
        int truePositives = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            truePositives += positive[i] ? 1 : 0;
            if (k == order.length - 1 || scores[order[k + 1]] != scores[i]) {
                double recall = (double) truePositives / positives;
                double precision = (double) truePositives / (k + 1);
                ap += (recall - previousRecall) * precision;
                previousRecall = recall;
            }
        }
        return ap;
    }
}
