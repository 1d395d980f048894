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
        return transposed(model.config(), tokenGradient, model.parameters().get("patch_embed.proj.weight"));
    }

    /**
     * Gradient × input at the pixels, summed over the channels, {@code Σ_c x ⊙ Wᵀ ∂y/∂e_p}: per pixel {@code [B,
     * H, W]}, or each patch's sum {@code [B, grid, grid]}.
     *
     * @param patchGradient {@code [B, P, D]}, the gradient at the patch tokens only
     * @return in the images' manager
     */
    static NDArray gradientTimesInput(VisionTransformer model, NDArray images, NDArray patchGradient, boolean pixels) {
        NDArray relevance = images.mul(pixelGradient(model, patchGradient)).sum(new int[] {1});
        return pixels ? relevance : patchSums(relevance, model.config());
    }

    /**
     * The transposed patch convolution: each patch's {@code [D]} vector times the kernel {@code [D,
     * C, p, p]}, laid out as pixels. Patches do not overlap (stride = kernel), so this is one matrix
     * product.
     *
     * @param perPatch {@code [B, P, D]}
     * @return {@code [B, C, H, W]}, in {@code perPatch}'s manager
     */
    static NDArray transposed(VitConfig c, NDArray perPatch, NDArray kernel) {
        long batch = perPatch.getShape().get(0);
        int p = c.patchSize();
        int g = c.gridSize();
        NDArray weight = kernel.reshape(c.embedDim(), (long) c.channels() * p * p);
        weight.attach(perPatch.getManager()); // a view; not the kernel's manager
        NDArray pixels = perPatch.matMul(weight); // [B, P, C*p*p]
        return pixels.reshape(batch, g, g, c.channels(), p, p)
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
