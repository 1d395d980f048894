/**
 * The HTML report of a run: what it shows, read with Spark ({@code RunResults}), and the page in sections
 * ({@code ReportPage}), with its charts and heatmap images.
 */
package dev.tokentm.job.report;
