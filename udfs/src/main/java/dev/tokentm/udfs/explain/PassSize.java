package dev.tokentm.udfs.explain;

import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.runtime.NativeHeap;

/**
 * How many sequences one of a method's own passes takes (ViT-ReciproCAM's copies, TIS's masked sequences). On
 * the CPU, as many as keep the pass's largest activation (the MLP's hidden layer, or the attention maps) within
 * the blocks glibc serves from its heap ({@link NativeHeap#MMAP_THRESHOLD}): a larger one is a fresh {@code mmap}
 * on every operation, and its page faults cost more than the batching saves (TIS at ViT-B/16: 220 s per image
 * with 128 sequences of 99 tokens a pass, 92 s with 16; docs/decisions.md). On a GPU, {@code maxBatch}.
 */
final class PassSize {

    private PassSize() {}

    /** Sequences of {@code tokens} tokens per pass: at least 1, at most {@code maxBatch}. */
    static int sequences(VisionTransformer model, int tokens, int maxBatch) {
        if (model.device().isGpu()) {
            return maxBatch;
        }
        VitConfig c = model.config();
        long elements = Math.max((long) tokens * c.mlpHiddenDim(), (long) c.numHeads() * tokens * tokens);
        long bytes = elements * bytes(model.dataType());
        return (int) Math.max(1, Math.min(maxBatch, NativeHeap.MMAP_THRESHOLD / bytes));
    }

    private static int bytes(DataType type) {
        return type.getNumOfBytes();
    }
}
