package dev.tokentm.job.aggregate;

import java.util.function.ToDoubleFunction;

/**
 * A dataset metric as comparisons and agreement see it.
 *
 * @param name the metric's column name
 * @param higherIsBetter which way it improves
 * @param value the metric of a {@link DatasetMetrics} (of all images or of a bootstrap replicate)
 */
public record Metric(String name, boolean higherIsBetter, ToDoubleFunction<DatasetMetrics> value) {}
