package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;

/**
 * One attention head's [CLS] row in one block (the last by default), over the patches: the maps the
 * DINO paper shows for self-supervised ViTs (Caron et al., ICCV 2021, Fig. 1 and 3, the last block's
 * heads), and the way a backbone without a classifier is audited. The mean over the heads is {@code
 * raw-attention}. Class-independent.
 *
 * @param head the head, from 0
 * @param block the block, from 0; negative counts from the end (-1: the last)
 */
public record HeadAttention(int head, int block) implements Explainer {

    public static final int DEFAULT_HEAD = 0;
    public static final int DEFAULT_BLOCK = -1;

    public HeadAttention {
        if (head < 0) {
            throw new IllegalArgumentException("parameter 'head' must be 0 or more, got " + head);
        }
    }

    public HeadAttention() {
        this(DEFAULT_HEAD, DEFAULT_BLOCK);
    }

    /** From a spec: {@code head-attention(head=2, block=-1)}. */
    static HeadAttention of(MethodArguments a) {
        return new HeadAttention(a.integer("head", DEFAULT_HEAD), a.integer("block", DEFAULT_BLOCK));
    }

    @Override
    public String name() {
        return MethodSpec.named("head-attention")
                .with("head", head, DEFAULT_HEAD)
                .with("block", block, DEFAULT_BLOCK)
                .toString();
    }

    /** Attention probabilities only: no class enters the map. */
    @Override
    public boolean classIndependent() {
        return true;
    }

    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        if (head >= config.numHeads()) {
            throw new IllegalArgumentException("method '" + name() + "': head " + head + " is beyond the model's "
                    + config.numHeads() + " heads (0 to " + (config.numHeads() - 1) + ")");
        }
        Layers.checkBlock(name(), Layers.fromEnd(block, config.depth()), config.depth());
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        checkModel(context.config());
        VitTrace trace = context.valuesTrace();
        int depth = trace.blocks().size();
        NDArray attention = trace.block(Layers.fromEnd(block, depth)).attention(); // [B, H, N, N]
        return ClsRow.clsRowGrid(attention.get(":, " + head + ", :, :"), context.config());
    }
}
