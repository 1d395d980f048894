package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * One batch's forward pass as explainers need it: the logits, each block's recorded tensors and,
 * if asked, their gradients for one target class per image. Owns its arrays; close it to release
 * them (native memory is freed at once, not at garbage collection).
 */
public final class VitTrace implements AutoCloseable {

    private final NDManager manager;
    private final VitConfig config;
    private final NDArray logits;
    private final int[] targets;
    private final List<BlockTrace> blocks;

    VitTrace(NDManager manager, VitConfig config, NDArray logits, int[] targets, List<BlockTrace> blocks) {
        this.manager = manager;
        this.config = config;
        this.logits = logits;
        this.targets = targets;
        this.blocks = List.copyOf(blocks);
    }

    /** The architecture that produced this trace. */
    public VitConfig config() {
        return config;
    }

    /** Logits, {@code [B, classes]}. */
    public NDArray logits() {
        return logits;
    }

    /** Number of images in the batch. */
    public int batchSize() {
        return Math.toIntExact(logits.getShape().get(0));
    }

    /** The target class per image, or null when the trace was taken without targets. */
    public int[] targets() {
        return targets == null ? null : targets.clone();
    }

    /** Whether any gradient was recorded. */
    public boolean hasGradients() {
        return blocks.stream()
                .anyMatch(b -> java.util.Arrays.stream(TracePoint.values()).anyMatch(b::hasGradient));
    }

    /** Blocks in forward order. */
    public List<BlockTrace> blocks() {
        return blocks;
    }

    /** One block. */
    public BlockTrace block(int index) {
        return blocks.get(index);
    }

    /** The manager owning this trace's arrays; explainers may allocate their results in it. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
