package dev.tokentm.udfs.metrics;

/**
 * What the evaluator knows of an image beside its pixels.
 *
 * @param label the true class, -1 when unknown
 * @param mask the object mask, or null
 * @param seed the seed of the image's random draws (ROAD's noise): the run's seed mixed with the
 *     image's id, so its results do not depend on its batch
 */
public record ImageFacts(int label, ObjectMask mask, long seed) {}
