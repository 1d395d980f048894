package dev.tokentm.job.audit;

import java.util.List;

/**
 * One prediction strategy of a class: its images, how well the model does on them, their mean
 * pooled heatmap, and where their relevance sits.
 *
 * @param key the class
 * @param index the strategy's number within the class, 0 the largest
 * @param images images assigned to it
 * @param classImages images of the class (every strategy's)
 * @param correct of its labelled images, those the model predicts right
 * @param labelled its images with a label
 * @param outside mean share of relevance outside the object mask; NaN without masks
 * @param othersOutside the same over the class's other strategies; NaN without masks or others
 * @param meanMap the mean pooled heatmap, row-major on the audit's grid
 * @param region where it puts relevance that the class does not ({@link StrategyStats#region})
 * @param regionShare the mean share of its images' relevance in the region
 * @param othersRegionShare the same over the class's other images; NaN without others
 * @param prototypes the images nearest its centre, nearest first
 * @param outliers the images farthest from its centre, farthest first
 */
public record Strategy(
        ClassKey key,
        int index,
        long images,
        long classImages,
        long correct,
        long labelled,
        double outside,
        double othersOutside,
        double[] meanMap,
        int[] region,
        double regionShare,
        double othersRegionShare,
        List<String> prototypes,
        List<String> outliers) {

    /** The same strategy with these prototypes and outliers. */
    Strategy withImages(List<String> nearest, List<String> farthest) {
        return new Strategy(
                key,
                index,
                images,
                classImages,
                correct,
                labelled,
                outside,
                othersOutside,
                meanMap,
                region,
                regionShare,
                othersRegionShare,
                nearest,
                farthest);
    }

    /** Its share of the class's images. */
    public double share() {
        return classImages == 0 ? Double.NaN : (double) images / classImages;
    }

    /** The model's accuracy on its labelled images; NaN without labels. */
    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }

    /** The region's share of the frame. */
    public double regionArea() {
        return (double) region.length / meanMap.length;
    }

    /** How many times the other images' share of relevance its images put in the region. */
    public double regionLift() {
        return othersRegionShare > 0 ? regionShare / othersRegionShare : Double.NaN;
    }
}
