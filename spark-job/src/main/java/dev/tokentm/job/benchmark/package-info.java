/**
 * Benchmarks, not tests: the model's throughput and each method's cost, each protocol's cost, the whole job against
 * its model work done bare, and a long soak run; with the timers and CPU accounting they use.
 */
package dev.tokentm.job.benchmark;
