package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.Compare;
import dev.tokentm.udfs.testing.TestVits;
import org.junit.jupiter.api.Test;

/**
 * Partial and full LRP of a float32 model against the same model in float64, on a second model with
 * other dimensions than shared/reference/vit-tiny-p8 (64 patches, width 96, 6 blocks of 4 heads, 10
 * classes): their z-rules divide by sums that nearly cancel, so a float32 forward pass left up to 5e-4
 * (partial) and 0.5 (full, relative L2) on a model of ViT-Ti's size; run in float64 they agree to the
 * float32 rounding of the map. The float64 results themselves are checked against the reference
 * code in {@link ReferenceExplainersTest}.
 */
class LrpPrecisionTest {

    @Test
    void aFloat32ModelGivesTheFloat64Maps() {
        VitConfig config = VitConfig.builder()
                .imageSize(64)
                .patchSize(8)
                .embedDim(96)
                .depth(6)
                .numHeads(4)
                .numClasses(10)
                .build();
        try (NDManager manager = NDManager.newBaseManager();
                VisionTransformer single = TestVits.random(config, 7, 0.05, DataType.FLOAT32);
                VisionTransformer wide = single.toType(DataType.FLOAT64)) {
            NDArray images = TestVits.images(manager, config, 3, 3, DataType.FLOAT32);
            NDArray wideImages = images.toType(DataType.FLOAT64, true);
            TargetClasses targets = TargetClasses.of(3, 5, 8);
            for (Explainer e : new Explainer[] {new PartialLrp(), new FullLrp()}) {
                NDArray fromSingle = e.explain(single, images, targets);
                NDArray fromWide = e.explain(wide, wideImages, targets);
                double error = Compare.relativeL2(fromSingle.toType(DataType.FLOAT64, true), fromWide);
                assertTrue(error < 1e-6, e.name() + ": float32 model vs float64 model, relative L2 " + error);
            }
        }
    }
}
