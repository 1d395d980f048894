/**
 * Seeds derived from a run's seed and an image's id, and seeded permutations: every random draw is a pure function of
 * them, so results do not depend on batching or partitioning.
 */
package dev.tokentm.udfs.random;
