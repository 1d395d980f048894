package dev.tokentm.udfs.model;

/**
 * Images that went through a model: forward passes and backward passes, each image of a batch
 * counted once per pass. Explainers' costs are read as differences of two counts.
 *
 * @param forward images through a forward pass
 * @param backward images through a backward pass
 * @param nanos time spent in the model's calls (logits, forward, trace), summed over threads
 */
public record PassCount(long forward, long backward, long nanos) {

    /** This count minus an earlier one. */
    public PassCount since(PassCount earlier) {
        return new PassCount(forward - earlier.forward, backward - earlier.backward, nanos - earlier.nanos);
    }

    /** {@link #nanos} in seconds. */
    public double seconds() {
        return nanos / 1e9;
    }
}
