package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VitConfig;
import java.util.List;

/**
 * Reading heatmaps off token-to-token maps. Methods that multiply one map per layer only need
 * the [CLS] row of the product, so it is computed as a row vector pushed through the layers from
 * the last to the first: O(L·N²) per image instead of O(L·N³) for the full product.
 */
final class ClsRow {

    private ClsRow() {}

    /** The one-hot [CLS] row {@code e_0}, {@code [B, 1, N]}. */
    static NDArray unit(NDManager manager, long batch, long tokens, NDArray like) {
        return TargetClasses.oneHot(manager, new int[Math.toIntExact(batch)], tokens, like)
                .expandDims(1);
    }

    /**
     * The [CLS] row of {@code F_L ⋯ F_1} with {@code F_l = I + M_l} when {@code addIdentity},
     * else {@code F_l = M_l}; maps in forward order, each {@code [B, N, N]}. Returns {@code [B, N]}.
     */
    static NDArray ofProduct(NDManager manager, List<NDArray> maps, boolean addIdentity) {
        Shape s = maps.get(0).getShape();
        NDArray row = unit(manager, s.get(0), s.get(1), maps.get(0));
        for (int l = maps.size() - 1; l >= 0; l--) {
            NDArray moved = row.matMul(maps.get(l));
            row = addIdentity ? row.add(moved) : moved;
        }
        return row.squeeze(1);
    }

    /** Patch columns of per-token scores {@code [B, N]} as a grid {@code [B, g, g]}. */
    static NDArray toGrid(NDArray tokenScores, VitConfig config) {
        long batch = tokenScores.getShape().get(0);
        return tokenScores
                .get(":, " + config.numPrefixTokens() + ":")
                .reshape(batch, config.gridSize(), config.gridSize());
    }

    /** The [CLS] query row of a {@code [B, N, N]} map, as a grid over the patches. */
    static NDArray clsRowGrid(NDArray map, VitConfig config) {
        return toGrid(map.get(":, 0, :"), config);
    }
}
