package dev.tokentm.job.audit;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.udfs.audit.StrategyClustering;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.spark.VitRegionTest;

/**
 * Every option of the audit in one place.
 *
 * @param method the audited method's spec, as in the images table's {@code method} column
 * @param grid heatmaps are pooled to {@code grid × grid} cells
 * @param clustering how a class's strategies are found
 * @param fitImages at most this many images per class fit the clustering (a seeded sample); every
 *     image is then assigned
 * @param minImages classes with fewer audited images are not clustered (said in one line)
 * @param regionShare a strategy's region: the fewest cells holding this share of where its mean map
 *     exceeds the rest of the class's
 * @param regionArea a region on at most this share of the frame is a fixed region
 * @param regionLift ... when the strategy's images put at least this many times the share of their
 *     relevance there that the rest of the class's images do
 * @param offObject a correct prediction whose heatmap puts more than this share of its relevance
 *     outside the object mask is right for the wrong reasons
 * @param offObjectMargin a strategy whose images put at least this much more of their relevance
 *     outside the object mask than the rest of the class rests off the object
 * @param testImages at most this many images of a strategy, and as many controls, in its causal test
 * @param removal what replaces the region in the causal test ({@link VitRegionTest#REMOVALS})
 * @param prototypes images listed nearest a strategy's centre, and as many outliers
 * @param bootstrap the intervals' bootstrap (its seed also seeds the samples)
 */
public record AuditSettings(
        String method,
        int grid,
        StrategyClustering clustering,
        int fitImages,
        int minImages,
        double regionShare,
        double regionArea,
        double regionLift,
        double offObject,
        double offObjectMargin,
        int testImages,
        Protocol removal,
        int prototypes,
        Bootstrap bootstrap)
        implements java.io.Serializable {

    public AuditSettings {
        if (grid < 2 || fitImages < 2 || minImages < 2 || testImages < 2 || prototypes < 0) {
            throw new IllegalArgumentException("audit: grid, fit images, class minimum and test images must be >= 2");
        }
        if (!VitRegionTest.REMOVALS.contains(removal)) {
            throw new IllegalArgumentException("audit: --audit-removal must be road or blur, got " + removal.label());
        }
    }

    /**
     * TokenTM's maps on an 8x8 grid; 20,000 images per class fit, classes of 20 or more; regions
     * holding half the excess relevance on at most an eighth of the frame, twice the others' share;
     * off the object: 10 points more than the others, right for the wrong reasons above half; 200
     * images a side per causal test, ROAD's removal; 5 prototypes.
     */
    public static AuditSettings defaults(Bootstrap bootstrap) {
        return new AuditSettings(
                ExplainerRegistry.REFERENCE,
                8,
                StrategyClustering.defaults(bootstrap.seed()),
                20_000,
                20,
                0.5,
                0.125,
                2.0,
                0.5,
                0.1,
                200,
                Protocol.ROAD,
                5,
                bootstrap);
    }
}
