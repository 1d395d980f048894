package dev.tokentm.job.aggregate;

import static dev.tokentm.job.aggregate.ImageSums.Curve;
import static dev.tokentm.job.aggregate.ImageSums.Mean;

/**
 * One method's faithfulness over a dataset, as the published protocols report it, from the sums of
 * {@link ImageSums}. A quantity with nothing to average over is NaN.
 *
 * @param images images evaluated
 * @param fractions perturbation steps, starting at 0 (unperturbed); null for a bootstrap replicate
 * @param accuracyPositive accuracy per step over labelled images, most relevant pixels set to 0
 *     first (null for a replicate, as the other curves)
 * @param accuracyNegative the same, least relevant first
 * @param accuracyRoadMorf accuracy per step, ROAD, most relevant first
 * @param accuracyRoadLerf accuracy per step, ROAD, least relevant first
 * @param accuracyBlurMorf accuracy per step, blurred, most relevant first
 * @param accuracyBlurLerf accuracy per step, blurred, least relevant first
 * @param aucPositive area under {@code accuracyPositive} over the fraction (trapezoid); lower is
 *     better. Equal to the mean of the per-image areas over labelled images
 * @param aucNegative the same for {@code accuracyNegative}; higher is better
 * @param srg SRG with zeroing, {@code aucNegative − aucPositive}; higher is better
 * @param aopc mean per-image AOPC; higher is better
 * @param logOdds mean per-image LOdds; lower is better
 * @param deletionAuc mean area under RISE's deletion curve; lower is better
 * @param insertionAuc mean area under RISE's insertion curve; higher is better
 * @param roadMorfAuc ROAD's area, most relevant first; lower is better
 * @param roadLerfAuc ROAD's area, least relevant first; higher is better
 * @param roadSrg {@code roadLerfAuc − roadMorfAuc}; higher is better
 * @param blurMorfAuc area with blurring, most relevant first; lower is better
 * @param blurLerfAuc area with blurring, least relevant first; higher is better
 * @param blurSrg {@code blurLerfAuc − blurMorfAuc}; higher is better
 * @param segmentedImages images with a mask
 * @param pixelAccuracy correct pixels over labelled pixels, summed over images
 * @param iouBackground background intersection over union, summed over images
 * @param iouForeground foreground intersection over union, summed over images
 * @param meanIou mean of the two IoUs
 * @param meanAveragePrecision mean of the per-image APs
 * @param secondsPerImage the method's mean time per image (heatmap, perturbation and segmentation
 *     tests; the shared forward/backward pass is not included)
 */
public record DatasetMetrics(
        double images,
        double[] fractions,
        double[] accuracyPositive,
        double[] accuracyNegative,
        double[] accuracyRoadMorf,
        double[] accuracyRoadLerf,
        double[] accuracyBlurMorf,
        double[] accuracyBlurLerf,
        double aucPositive,
        double aucNegative,
        double srg,
        double aopc,
        double logOdds,
        double deletionAuc,
        double insertionAuc,
        double roadMorfAuc,
        double roadLerfAuc,
        double roadSrg,
        double blurMorfAuc,
        double blurLerfAuc,
        double blurSrg,
        double segmentedImages,
        double pixelAccuracy,
        double iouBackground,
        double iouForeground,
        double meanIou,
        double meanAveragePrecision,
        double secondsPerImage) {

    /**
     * The metrics of summed quantities.
     *
     * @param fractions the curves' steps from 0, or null for scalar sums only (a replicate)
     * @param sums as {@link ImageSums#add} sums them: {@link ImageSums#SCALARS} values, then the
     *     curves' counts when {@code fractions} is given
     */
    public static DatasetMetrics of(double[] fractions, double[] sums) {
        double iouBackground = ratio(sums[ImageSums.INTERSECTION_BACKGROUND], sums[ImageSums.UNION_BACKGROUND]);
        double iouForeground = ratio(sums[ImageSums.INTERSECTION_FOREGROUND], sums[ImageSums.UNION_FOREGROUND]);
        return new DatasetMetrics(
                sums[ImageSums.IMAGES],
                fractions == null ? null : fractions.clone(),
                accuracy(fractions, sums, Curve.POSITIVE),
                accuracy(fractions, sums, Curve.NEGATIVE),
                accuracy(fractions, sums, Curve.ROAD_MORF),
                accuracy(fractions, sums, Curve.ROAD_LERF),
                accuracy(fractions, sums, Curve.BLUR_MORF),
                accuracy(fractions, sums, Curve.BLUR_LERF),
                mean(sums, Mean.POSITIVE),
                mean(sums, Mean.NEGATIVE),
                mean(sums, Mean.ZERO_SRG),
                mean(sums, Mean.AOPC_SCORE),
                mean(sums, Mean.LODDS),
                mean(sums, Mean.DELETION),
                mean(sums, Mean.INSERTION),
                mean(sums, Mean.ROAD_MORF),
                mean(sums, Mean.ROAD_LERF),
                mean(sums, Mean.ROAD),
                mean(sums, Mean.BLUR_MORF),
                mean(sums, Mean.BLUR_LERF),
                mean(sums, Mean.BLUR),
                sums[Mean.AVERAGE_PRECISION.count()],
                ratio(sums[ImageSums.SEG_CORRECT_PIXELS], sums[ImageSums.SEG_LABELED_PIXELS]),
                iouBackground,
                iouForeground,
                (iouBackground + iouForeground) / 2,
                mean(sums, Mean.AVERAGE_PRECISION),
                mean(sums, Mean.SECONDS));
    }

    private static double[] accuracy(double[] fractions, double[] sums, Curve c) {
        if (fractions == null) {
            return null;
        }
        double[] accuracy = new double[fractions.length];
        double labelled = sums[c.labelled.count()];
        for (int k = 0; k < accuracy.length; k++) {
            accuracy[k] = ratio(sums[ImageSums.curve(c, k, fractions.length)], labelled);
        }
        return accuracy;
    }

    private static double mean(double[] sums, Mean m) {
        return ratio(sums[m.sum()], sums[m.count()]);
    }

    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
