package dev.tokentm.udfs.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The clustering choices on synthetic 8x8 relevance maps whose truth is known: a diffuse
 * continuum (a bump anywhere near the centre, of any width) stays one strategy; two distinct
 * strategies stay two; a tight group of 3% with half its relevance in a corner gets a strategy of its
 * own holding at least 90% of it (the small-strategy promise); the same seed gives the same result.
 */
class StrategyClusteringTest {

    private static final int GRID = 8;

    /** A pooled map: a Gaussian bump, plus {@code corner} of the mass in cell (0,0), plus noise. */
    private static double[] map(SplittableRandom random, double cx, double cy, double sigma, double corner) {
        float[] raw = new float[GRID * GRID];
        for (int y = 0; y < GRID; y++) {
            for (int x = 0; x < GRID; x++) {
                double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                raw[y * GRID + x] = (float) (Math.exp(-r2 / (2 * sigma * sigma)) + 0.02 * random.nextDouble());
            }
        }
        double[] pooled = HeatmapGrid.pooled(raw, GRID, GRID, GRID);
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] *= 1 - corner;
        }
        pooled[0] += corner;
        return pooled;
    }

    private static double[] garment(SplittableRandom random, double corner) {
        return map(random, random.nextDouble(2.5, 5), random.nextDouble(2.5, 5), random.nextDouble(1.2, 2.2), corner);
    }

    @Test
    void aDiffuseContinuumIsOneStrategy() {
        SplittableRandom random = new SplittableRandom(1);
        List<double[]> maps = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            maps.add(garment(random, 0));
        }
        Strategies s = StrategyClustering.defaults(0).fit(maps);
        assertEquals(1, s.count(), "a continuum cut into pieces by k-means is merged back");
    }

    @Test
    void twoDistinctStrategiesStayTwo() {
        SplittableRandom random = new SplittableRandom(2);
        List<double[]> maps = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean left = i % 2 == 0;
            maps.add(map(random, left ? 1.5 : 5.5, random.nextDouble(3, 4.5), 1.0, 0));
        }
        Strategies s = StrategyClustering.defaults(0).fit(maps);
        assertEquals(2, s.count());
        int left = s.assign(maps.get(0)).strategy();
        for (int i = 0; i < maps.size(); i++) {
            assertEquals(i % 2 == 0, s.assign(maps.get(i)).strategy() == left, "image " + i);
        }
    }

    @Test
    void aSmallTightGroupGetsItsOwnStrategy() {
        SplittableRandom random = new SplittableRandom(3);
        List<double[]> maps = new ArrayList<>();
        List<Boolean> planted = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            boolean marked = random.nextDouble() < 0.03;
            maps.add(garment(random, marked ? 0.5 : 0));
            planted.add(marked);
        }
        Strategies s = StrategyClustering.defaults(0).fit(maps);
        int[] markedIn = new int[s.count()];
        int[] unmarkedIn = new int[s.count()];
        for (int i = 0; i < maps.size(); i++) {
            int k = s.assign(maps.get(i)).strategy();
            if (planted.get(i)) {
                markedIn[k]++;
            } else {
                unmarkedIn[k]++;
            }
        }
        long marked = planted.stream().filter(b -> b).count();
        int best = 0;
        for (int k = 1; k < s.count(); k++) {
            best = markedIn[k] > markedIn[best] ? k : best;
        }
        assertTrue(markedIn[best] >= 0.9 * marked, markedIn[best] + " of " + marked + " marked maps together");
        assertTrue(
                unmarkedIn[best] <= 0.1 * (markedIn[best] + unmarkedIn[best]),
                unmarkedIn[best] + " unmarked with them");
        assertTrue(s.count() <= 3, s.count() + " strategies: the continuum stays together");
    }

    @Test
    void aMarkUsedWhereverTheObjectLiesIsOneStrategy() {
        // objects at the left or the right (two strategies); 10% also put 40% of their relevance on a
        // corner mark: k-means splits those by the object's position, the shared region joins them
        SplittableRandom random = new SplittableRandom(5);
        List<double[]> maps = new ArrayList<>();
        List<Boolean> planted = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            boolean marked = i % 10 == 0;
            boolean left = random.nextBoolean();
            maps.add(map(random, left ? 1.5 : 5.5, random.nextDouble(3, 4.5), 1.0, marked ? 0.4 : 0));
            planted.add(marked);
        }
        Strategies s = StrategyClustering.defaults(0).fit(maps);
        int[] markedIn = new int[s.count()];
        int[] all = new int[s.count()];
        for (int i = 0; i < maps.size(); i++) {
            int k = s.assign(maps.get(i)).strategy();
            all[k]++;
            markedIn[k] += planted.get(i) ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < s.count(); k++) {
            best = markedIn[k] > markedIn[best] ? k : best;
        }
        assertTrue(markedIn[best] >= 0.9 * 80, markedIn[best] + " of 80 marked maps together");
        assertTrue(all[best] - markedIn[best] <= 0.1 * all[best], (all[best] - markedIn[best]) + " unmarked with them");
    }

    @Test
    void theSameSeedGivesTheSameStrategies() {
        SplittableRandom random = new SplittableRandom(4);
        List<double[]> maps = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            maps.add(garment(random, i % 10 == 0 ? 0.5 : 0));
        }
        Strategies a = StrategyClustering.defaults(7).fit(maps);
        Strategies b = StrategyClustering.defaults(7).fit(maps);
        assertEquals(a.count(), b.count());
        for (int k = 0; k < a.count(); k++) {
            assertArrayEquals(a.centres()[k], b.centres()[k], 0);
        }
    }

    @Test
    void poolingKeepsPositiveRelevanceByArea() {
        // a 4x4 map pooled to 2x2: each cell sums its quadrant's positive values, then all sum to 1
        float[] raw = {1, 1, 0, 0, 1, 1, 0, -5, 0, 0, 2, 2, 0, 0, 2, 2};
        assertArrayEquals(new double[] {4 / 12.0, 0, 0, 8 / 12.0}, HeatmapGrid.pooled(raw, 4, 4, 2), 1e-12);
        // 1x3 onto 2x2: the middle pixel is split half and half between columns, the row between rows
        assertArrayEquals(
                new double[] {2.5 / 6, 0.5 / 6, 2.5 / 6, 0.5 / 6},
                HeatmapGrid.pooled(new float[] {2, 1, 0}, 1, 3, 2),
                1e-12);
        assertEquals(null, HeatmapGrid.pooled(new float[] {0, -1, 0, 0}, 2, 2, 2));
        assertArrayEquals(new int[] {0, 3}, HeatmapGrid.region(new double[] {0.3, 0.1, 0.2, 0.4}, 0.6));
    }
}
