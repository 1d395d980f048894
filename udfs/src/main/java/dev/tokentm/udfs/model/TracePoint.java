package dev.tokentm.udfs.model;

/**
 * The tensors a {@link VisionTransformer} block exposes to hooks and traces. Shapes are for a
 * batch of B images, N tokens, D channels and H heads.
 */
public enum TracePoint {
    /** Tokens entering the block, {@code [B,N,D]}; for block 0, the embedded input tokens. */
    BLOCK_INPUT(true),
    /** The first LayerNorm's output, {@code norm1(x)}, what attention reads, {@code [B,N,D]}. */
    ATTENTION_NORM(true),
    /**
     * Attention scores before the softmax, {@code q·kᵀ/√d}, {@code [B,H,N,N]}; a hook that scales
     * a key's column here suppresses attention to that token (AtMan).
     */
    ATTENTION_SCORES(true),
    /** Softmax attention probabilities of every head, {@code [B,H,N,N]} (row = query). */
    ATTENTION(true),
    /**
     * Each token after the value and output projections, before attention mixes tokens:
     * {@code proj(v(norm1(x)))}, {@code [B,N,D]}. The attention output equals the head-wise
     * mixing of this tensor's per-head parts, so it is not itself on the path to the logits and has
     * no gradient.
     */
    VALUE_PROJECTION(false),
    /** Tokens right after the attention residual, {@code x + attn(norm1(x))}, {@code [B,N,D]}. */
    ATTENTION_RESIDUAL(true),
    /** Output of the MLP sub-layer before its residual, {@code mlp(norm2(x))}, {@code [B,N,D]}. */
    MLP_OUTPUT(true),
    /** Tokens leaving the block, {@code [B,N,D]}. */
    BLOCK_OUTPUT(true);

    private final boolean onLogitPath;

    TracePoint(boolean onLogitPath) {
        this.onLogitPath = onLogitPath;
    }

    /** Whether the logits depend on this tensor, so a gradient with respect to it exists. */
    public boolean onLogitPath() {
        return onLogitPath;
    }
}
