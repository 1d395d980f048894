package dev.tokentm.udfs.metrics;

/**
 * One image's segmentation test result: pixel counts that sum over a dataset, and average
 * precisions that average over it.
 *
 * @param correct pixels whose predicted class (foreground or background) matches the mask
 * @param labeled pixels with a label (every mask pixel)
 * @param intersectionBackground pixels predicted and labelled background
 * @param unionBackground pixels predicted or labelled background
 * @param intersectionForeground pixels predicted and labelled foreground
 * @param unionForeground pixels predicted or labelled foreground
 * @param averagePrecision AP of the soft map over both classes' channels pooled (background
 *     scored by 1 − map, foreground by the map), as the published code computes it
 * @param averagePrecisionBackground AP of 1 − map against the background alone
 * @param averagePrecisionForeground AP of the map against the foreground alone
 * @param relevanceOutside share of the heatmap's positive relevance (upsampled, not normalized)
 *     that falls outside the object; NaN when the map has none. High values flag images whose
 *     explanation rests on the background: possible spurious cues
 */
public record SegmentationCounts(
        long correct,
        long labeled,
        long intersectionBackground,
        long unionBackground,
        long intersectionForeground,
        long unionForeground,
        double averagePrecision,
        double averagePrecisionBackground,
        double averagePrecisionForeground,
        double relevanceOutside) {}
