package dev.tokentm.udfs.metrics;

/**
 * One method's faithfulness over a dataset, as the published protocols report it.
 *
 * @param images images evaluated
 * @param fractions perturbation steps, starting at 0 (unperturbed)
 * @param accuracyPositive accuracy per step, most relevant pixels removed first
 * @param accuracyNegative accuracy per step, least relevant removed first
 * @param aucPositive area under {@code accuracyPositive} over the fraction removed (trapezoid);
 *     lower is better
 * @param aucNegative the same for {@code accuracyNegative}; higher is better
 * @param aopc mean per-image AOPC; higher is better
 * @param logOdds mean per-image LOdds; lower is better
 * @param segmentedImages images with a mask
 * @param pixelAccuracy correct pixels over labelled pixels, summed over images
 * @param iouBackground background intersection over union, summed over images
 * @param iouForeground foreground intersection over union, summed over images
 * @param meanIou mean of the two IoUs
 * @param meanAveragePrecision mean of the per-image APs
 */
public record DatasetMetrics(
        long images,
        double[] fractions,
        double[] accuracyPositive,
        double[] accuracyNegative,
        double aucPositive,
        double aucNegative,
        double aopc,
        double logOdds,
        long segmentedImages,
        double pixelAccuracy,
        double iouBackground,
        double iouForeground,
        double meanIou,
        double meanAveragePrecision) {

    /** The metrics of summed totals; a quantity with nothing to average over is NaN. */
    public static DatasetMetrics of(FaithfulnessTotals t) {
        int n = t.fractions().length;
        double[] positive = new double[n];
        double[] negative = new double[n];
        for (int k = 0; k < n; k++) {
            positive[k] = ratio(t.correctPositive()[k], t.labeledImages());
            negative[k] = ratio(t.correctNegative()[k], t.labeledImages());
        }
        double iouBackground = ratio(t.intersection()[0], t.union()[0]);
        double iouForeground = ratio(t.intersection()[1], t.union()[1]);
        return new DatasetMetrics(
                t.images(),
                t.fractions().clone(),
                positive,
                negative,
                trapezoid(t.fractions(), positive),
                trapezoid(t.fractions(), negative),
                t.aopcSum() / t.images(),
                t.logOddsSum() / t.images(),
                t.segmentedImages(),
                ratio(t.correctPixels(), t.labeledPixels()),
                iouBackground,
                iouForeground,
                (iouBackground + iouForeground) / 2,
                t.averagePrecisionSum() / t.segmentedImages());
    }

    /** Area under y(x) by the trapezoid rule. */
    public static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
