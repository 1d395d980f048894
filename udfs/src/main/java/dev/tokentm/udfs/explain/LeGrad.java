package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.image.BilinearUpsampler;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;

/**
 * LeGrad (Bousselham, Boggust, Chaybouti, Strobelt, Kuehne 2024; WalBouss/LeGrad, {@code legrad/wrapper.py})
 * for a classifier: each block's [CLS] read by the final norm and the head gives a score {@code s_l}; the
 * ReLU of its gradient with respect to that block's attention probabilities, averaged over heads and all
 * query rows, at the patch columns, is the block's map; the maps of the blocks from {@code first-block}
 * on are summed (at pixel resolution each upsampled bilinearly first, as their code; the sum of upsampled
 * maps is the upsampled sum) and min-max normalized per image. Every block's score from one backward pass
 * ({@link dev.tokentm.udfs.model.VisionTransformer#readoutAttentionGradients}).
 *
 * @param firstBlock the first block summed; negative counts from the end (their default, −2)
 * @param pixels a map per pixel; else per patch
 */
public record LeGrad(int firstBlock, boolean pixels) implements Explainer {

    public static final int DEFAULT_FIRST_BLOCK = -2;

    public LeGrad() {
        this(DEFAULT_FIRST_BLOCK, true);
    }

    /** From a spec: {@code legrad(first-block=b, resolution=pixel|patch)}. */
    static LeGrad of(MethodArguments a) {
        return new LeGrad(a.integer("first-block", DEFAULT_FIRST_BLOCK), MapResolution.pixels(a));
    }

    @Override
    public String name() {
        return MethodSpec.named("legrad")
                .with("first-block", firstBlock, DEFAULT_FIRST_BLOCK)
                .with("resolution", MapResolution.of(pixels), MapResolution.PIXEL)
                .toString();
    }

    @Override
    public boolean pixelResolution() {
        return pixels;
    }

    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        Layers.checkBlock(name(), Layers.fromEnd(firstBlock, config.depth()), config.depth());
    }

    /** The explained classes; its forward and backward pass are its own. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        checkModel(context.config());
        VitConfig c = context.config();
        int first = Layers.fromEnd(firstBlock, c.depth());
        int[] targets = context.targets();
        double[] patches;
        try (NDManager scope = context.manager().newSubManager()) {
            NDArray sum = null;
            for (NDArray g : context.model().readoutAttentionGradients(context.images(), targets, first, scope)) {
                NDArray map = g.clip(0, Float.MAX_VALUE).mean(new int[] {1}).mean(new int[] {1}); // [B, N]
                sum = sum == null ? map : sum.add(map);
            }
            patches = ClsRow.toGrid(sum, c).toType(DataType.FLOAT64, false).toDoubleArray();
        }
        int batch = targets.length;
        int grid = c.gridSize();
        int side = pixels ? c.imageSize() : grid;
        double[] out = new double[batch * side * side];
        for (int b = 0; b < batch; b++) {
            double[] one = java.util.Arrays.copyOfRange(patches, b * grid * grid, (b + 1) * grid * grid);
            double[] map = pixels ? BilinearUpsampler.resize(one, grid, grid, side, side) : one;
            System.arraycopy(MinMax.scaled(map), 0, out, b * side * side, map.length); // their min_max
        }
        return HostArrays.of(
                context.manager(),
                out,
                new Shape(batch, side, side),
                context.images().getDataType());
    }
}
