/**
 * Dataset metrics from the per-image rows, computed by Spark: the per-image sums ({@code ImageSums}), the
 * Poisson bootstrap, the metrics of summed quantities ({@code DatasetMetrics}), paired comparisons and metric agreement,
 * keyed by method and target ({@code MethodTarget}).
 */
package dev.tokentm.job.aggregate;
