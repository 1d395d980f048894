package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;

/**
 * Every intermediate tensor of one pre-norm transformer block, for methods that propagate
 * relevance layer by layer. B images, N tokens, D channels, H heads of width d, hidden width M.
 *
 * @param input block input {@code [B,N,D]}
 * @param norm1 {@code norm1(input)}, {@code [B,N,D]}
 * @param q queries {@code [B,H,N,d]}
 * @param k keys {@code [B,H,N,d]}
 * @param v values {@code [B,H,N,d]}
 * @param attention softmax probabilities {@code [B,H,N,N]}
 * @param mixed {@code attention · v} with heads merged, the output projection's input, {@code [B,N,D]}
 * @param attentionOutput {@code proj(mixed)}, {@code [B,N,D]}
 * @param attentionResidual {@code input + attentionOutput}
 * @param norm2 {@code norm2(attentionResidual)}
 * @param hidden {@code gelu(fc1(norm2))}, {@code [B,N,M]}
 * @param mlpOutput {@code fc2(hidden)}
 * @param output {@code attentionResidual + mlpOutput}
 */
public record BlockActivations(
        NDArray input,
        NDArray norm1,
        NDArray q,
        NDArray k,
        NDArray v,
        NDArray attention,
        NDArray mixed,
        NDArray attentionOutput,
        NDArray attentionResidual,
        NDArray norm2,
        NDArray hidden,
        NDArray mlpOutput,
        NDArray output) {}
