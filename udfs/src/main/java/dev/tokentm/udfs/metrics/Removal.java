package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;

/**
 * What replaces the pixels a perturbation test removes. Zeroing is the published perturbation
 * test's; noisy linear imputation is ROAD's (it keeps removed regions close to the data, so the
 * score measures the explanation more than the model's reaction to black holes); a blurred copy is
 * RISE's insertion baseline.
 */
public interface Removal {

    /** The name in outputs and on the command line. */
    String name();

    /**
     * @param images un-normalized images in [0,1], {@code [B, C, H, W]}
     * @param keep {@code [B, 1, H, W]}, 1 where the pixel stays and 0 where it is replaced
     * @param seeds one seed per image, for removals that draw noise
     * @return the images with the removed pixels replaced, in {@code images}' manager
     */
    NDArray apply(NDArray images, NDArray keep, long[] seeds);

    /** Removed pixels set to 0 in the [0,1] image (Chefer et al. CVPR 2021; RISE's deletion). */
    Removal ZERO = new Removal() {
        @Override
        public String name() {
            return "zero";
        }

        @Override
        public NDArray apply(NDArray images, NDArray keep, long[] seeds) {
            return images.mul(keep.toType(images.getDataType(), false));
        }
    };
}
