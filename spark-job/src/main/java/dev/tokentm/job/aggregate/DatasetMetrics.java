package dev.tokentm.job.aggregate;

import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.table.ImageTable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One method's faithfulness over a dataset, as the published protocols report it, from the sums of
 * {@link ImageSums}. A quantity with nothing to average over is NaN.
 *
 * @param images images evaluated
 * @param fractions perturbation steps, starting at 0 (unperturbed); null for a bootstrap replicate
 * @param accuracy per curve with an accuracy ({@link Curve#withAccuracy()}): accuracy per step over
 *     labelled images; empty for a replicate. Its area over the fraction (trapezoid) equals the
 *     mean of the per-image areas, the curve's accuracy-area {@link Score}
 * @param scores every {@link Score}: its mean over the images that have it
 * @param segmentedImages images with a mask
 * @param pixelAccuracy correct pixels over labelled pixels, summed over images
 * @param iouBackground background intersection over union, summed over images
 * @param iouForeground foreground intersection over union, summed over images
 * @param meanIou mean of the two IoUs
 * @param meanAveragePrecision mean of the per-image APs
 * @param secondsPerImage the method's mean time per image (heatmap, perturbation and segmentation
 *     tests; the shared forward/backward pass is not included)
 * @param agreement for methods that run a changed model (EViT's pruned one), the share of images on
 *     which it predicts the model's class; NaN for every other method
 */
public record DatasetMetrics(
        double images,
        double[] fractions,
        Map<Curve, double[]> accuracy,
        Map<Score, Double> scores,
        double segmentedImages,
        double pixelAccuracy,
        double iouBackground,
        double iouForeground,
        double meanIou,
        double meanAveragePrecision,
        double secondsPerImage,
        double agreement) {

    /**
     * The metrics of summed quantities.
     *
     * @param fractions the curves' steps from 0, or null for scalar sums only (a replicate)
     * @param sums as {@link ImageSums#add} sums them: {@link ImageSums#SCALARS} values, then the
     *     curves' counts when {@code fractions} is given
     */
    public static DatasetMetrics of(double[] fractions, double[] sums) {
        Map<Curve, double[]> accuracy = fractions == null ? Map.of() : ImageSums.accuracy(sums, fractions.length);
        Map<Score, Double> scores = new EnumMap<>(Score.class);
        for (Score s : Score.values()) {
            scores.put(s, ImageSums.mean(sums, s));
        }
        double iouBackground =
                ImageSums.ratio(sums[ImageSums.INTERSECTION_BACKGROUND], sums[ImageSums.UNION_BACKGROUND]);
        double iouForeground =
                ImageSums.ratio(sums[ImageSums.INTERSECTION_FOREGROUND], sums[ImageSums.UNION_FOREGROUND]);
        return new DatasetMetrics(
                sums[ImageSums.IMAGES],
                fractions == null ? null : fractions.clone(),
                Collections.unmodifiableMap(accuracy),
                Collections.unmodifiableMap(scores),
                ImageSums.count(sums, ImageTable.SEG_AP),
                ImageSums.ratio(sums[ImageSums.SEG_CORRECT_PIXELS], sums[ImageSums.SEG_LABELED_PIXELS]),
                iouBackground,
                iouForeground,
                (iouBackground + iouForeground) / 2,
                ImageSums.mean(sums, ImageTable.SEG_AP),
                ImageSums.mean(sums, ImageTable.SECONDS),
                ImageSums.mean(sums, ImageTable.METHOD_AGREEMENT));
    }

    /** A score's mean over the images that have it; NaN when none has (its protocol did not run). */
    public double score(Score s) {
        return scores.get(s);
    }

    /** A curve's accuracy per step; null for a replicate or a curve without accuracy. */
    public double[] accuracy(Curve c) {
        return accuracy.get(c);
    }
}
