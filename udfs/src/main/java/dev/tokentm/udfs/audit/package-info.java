/**
 * Dataset audits on the executors: heatmaps pooled to a small grid ({@link
 * dev.tokentm.udfs.audit.HeatmapGrid}) and one class's prediction strategies found by clustering them
 * ({@link dev.tokentm.udfs.audit.StrategyClustering}, after SpRAy, Lapuschkin et al. 2019).
 */
package dev.tokentm.udfs.audit;
