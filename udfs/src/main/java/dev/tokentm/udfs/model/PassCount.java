package dev.tokentm.udfs.model;

/**
 * Images that went through a model: forward passes and backward passes, each image of a batch
 * counted once per pass. Explainers' costs are read as differences of two counts.
 *
 * @param forward images through a forward pass
 * @param backward images through a backward pass
 * @param nanos time spent in the model's calls (logits, forward, trace), summed over threads
 * @param cpuNanos the calling threads' CPU time in those calls (all of the model's CPU when PyTorch
 *     runs one thread per caller; with more, its pool threads' share is not in it)
 */
public record PassCount(long forward, long backward, long nanos, long cpuNanos) {

    /** This count minus an earlier one. */
    public PassCount since(PassCount earlier) {
        return new PassCount(
                forward - earlier.forward,
                backward - earlier.backward,
                nanos - earlier.nanos,
                cpuNanos - earlier.cpuNanos);
    }

    /** {@link #cpuNanos} in seconds. */
    public double cpuSeconds() {
        return cpuNanos / 1e9;
    }

    /** {@link #nanos} in seconds. */
    public double seconds() {
        return nanos / 1e9;
    }
}
