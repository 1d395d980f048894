/**
 * A run's output directory: the per-image table's resume and damage handling, the metrics table ({@code
 * MetricsTable}), the printed tables ({@code MetricsText}), {@code summary.json} ({@code RunSummary} and its records),
 * the run lock, and the column reference ({@code OutputTables}).
 */
package dev.tokentm.job.output;
