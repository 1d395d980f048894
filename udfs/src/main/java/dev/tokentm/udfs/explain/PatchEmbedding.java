package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;

/**
 * Moving between the patch tokens and the pixels through the linear patch embedding {@code e_p = W
 * x_p + b} (a stride-p convolution): gradients at the tokens become pixel gradients, pixel maps
 * become patch maps.
 */
final class PatchEmbedding {

    private PatchEmbedding() {}

    /**
     * The pixel gradient {@code ∂y/∂x_p = Wᵀ ∂y/∂e_p} from the gradient at the patch tokens.
     *
     * @param tokenGradient {@code [B, P, D]}, the patch tokens only (no prefix tokens)
     * @return {@code [B, C, H, W]}, in the gradient's manager
     */
    static NDArray pixelGradient(VisionTransformer model, NDArray tokenGradient) {
        VitConfig c = model.config();
        long batch = tokenGradient.getShape().get(0);
        int p = c.patchSize();
        int g = c.gridSize();
        NDArray weight =
                model.parameters().get("patch_embed.proj.weight").reshape(c.embedDim(), (long) c.channels() * p * p);
        weight.attach(tokenGradient.getManager()); // a view; not the weights' manager
        NDArray perPatch = tokenGradient.matMul(weight); // [B, P, C*p*p]
        return perPatch.reshape(batch, g, g, c.channels(), p, p)
                .transpose(0, 3, 1, 4, 2, 5)
                .reshape(batch, c.channels(), (long) g * p, (long) g * p);
    }

    /** A pixel map {@code [B, H, W]} summed over each patch, {@code [B, grid, grid]}. */
    static NDArray patchSums(NDArray pixelMap, VitConfig c) {
        long batch = pixelMap.getShape().get(0);
        int p = c.patchSize();
        int g = c.gridSize();
        return pixelMap.reshape(batch, g, p, g, p).sum(new int[] {4}).sum(new int[] {2});
    }
}
