/**
 * What Spark runs: the ML transformers ({@code VitExplainer}, {@code VitSanityCheck}, their shared Params in {@code
 * VitTransformer}), the {@code mapPartitions} functions that stream a partition through the model in batches, the
 * per-executor model cache and the GPU a task was given.
 */
package dev.tokentm.udfs.spark;
