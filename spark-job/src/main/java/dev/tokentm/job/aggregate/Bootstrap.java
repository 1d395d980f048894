package dev.tokentm.job.aggregate;

import dev.tokentm.udfs.random.Seeds;
import dev.tokentm.udfs.table.ImageTable;
import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;

/**
 * The Poisson bootstrap over images (Hanley & MacGibbon 2006; Chamandy et al. 2012, "Estimating
 * uncertainty for massive data streams"): in replicate r every image gets a weight drawn from
 * Poisson(1), seeded by the run's seed, the image's id and r, so the same image has the same weight
 * in every method's sums (comparisons are paired) and in every partition, and no row has to meet
 * another. A replicate's metrics are computed from its weighted sums, so ratio metrics (pixel
 * accuracy, IoU) resample images, not pixels. As the number of images grows this approaches the
 * multinomial bootstrap.
 *
 * @param replicates the number of bootstrap replicates
 * @param seed the run's seed
 */
public record Bootstrap(int replicates, long seed) implements Serializable {

    /** 1,000 replicates, seed 0. */
    public static Bootstrap defaults() {
        return new Bootstrap(1000, 0);
    }

    public Bootstrap {
        if (replicates < 0) {
            throw new IllegalArgumentException("bootstrap replicates must be >= 0, got " + replicates);
        }
    }

    /** The image's weight in each replicate. */
    public int[] weights(String imageId) {
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.of(imageId)));
        int[] w = new int[replicates];
        for (int r = 0; r < replicates; r++) {
            w[r] = poisson(random);
        }
        return w;
    }

    /** A Poisson(1) draw by inversion. */
    static int poisson(SplittableRandom random) {
        double u = random.nextDouble();
        double p = Math.exp(-1);
        double cdf = p;
        int k = 0;
        while (u > cdf && k < 100) {
            k++;
            p /= k;
            cdf += p;
        }
        return k;
    }

    /** A new, empty accumulator for curves of {@code steps} steps. */
    public Sums sums(int steps) {
        return new Sums(this, steps);
    }

    /**
     * The sums of one group (a method and target): every quantity of {@link ImageSums} summed with
     * weight 1, and the scalar ones once per replicate with the images' Poisson weights.
     */
    public static final class Sums implements Serializable {
        private final Bootstrap bootstrap;
        private final int steps;
        private final double[] point;
        private final double[] replicates;

        Sums(Bootstrap bootstrap, int steps) {
            this.bootstrap = bootstrap;
            this.steps = steps;
            this.point = new double[ImageSums.size(steps)];
            this.replicates = new double[bootstrap.replicates() * ImageSums.SCALARS];
        }

        /** Adds one result row (with {@link ImageSums#INPUT}'s columns). */
        public Sums add(Row row) {
            ImageSums.add(row, point, steps, 1);
            if (bootstrap.replicates() == 0) {
                return this;
            }
            double[] one = new double[ImageSums.SCALARS];
            ImageSums.add(row, one, steps, 1);
            int[] weights = bootstrap.weights(row.getAs(ImageTable.IMAGE_ID.name()));
            for (int r = 0; r < weights.length; r++) {
                int w = weights[r];
                if (w == 0) {
                    continue;
                }
                int offset = r * ImageSums.SCALARS;
                for (int j = 0; j < one.length; j++) {
                    replicates[offset + j] += w * one[j];
                }
            }
            return this;
        }

        /** These sums plus another group's (this one is updated and returned). */
        public Sums merge(Sums other) {
            for (int i = 0; i < point.length; i++) {
                point[i] += other.point[i];
            }
            for (int i = 0; i < replicates.length; i++) {
                replicates[i] += other.replicates[i];
            }
            return this;
        }

        /** The metrics of all images. */
        public DatasetMetrics metrics(double[] fractions) {
            return DatasetMetrics.of(fractions, point);
        }

        /** The metrics of replicate r (scalar metrics only). */
        public DatasetMetrics replicate(int r) {
            return DatasetMetrics.of(
                    null, Arrays.copyOfRange(replicates, r * ImageSums.SCALARS, (r + 1) * ImageSums.SCALARS));
        }

        public int replicateCount() {
            return bootstrap.replicates();
        }
    }
}
