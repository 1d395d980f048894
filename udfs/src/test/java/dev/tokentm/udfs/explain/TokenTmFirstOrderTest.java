package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.testing.SampleImages;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How much TokenTM's multiplicative aggregation (docs/tokentm.md §4) acts under each NECC reading,
 * on the embedded model and the first 40 sample images, predicted class.
 *
 * <p>Expanding C = Π (I + D_l)(I + M_l) C_0 to first order gives (I + Σ_l (D_l + M_l)) C_0. The
 * identity and the diagonal MLP maps D_l touch only the [CLS] column, which the heatmap drops, so
 * the first-order heatmap is Σ_l M_l[CLS, patches] · L(x_1): exactly {@code aggregation=sum}, the
 * paper's "without aggregation framework" ablation. With NECC a softmax over N tokens, W ≈ 1/N and
 * the product's higher-order terms are small; scaled by N they are not.
 */
class TokenTmFirstOrderTest {

    @Test
    void theSoftmaxReadingCollapsesToItsFirstOrderExpansionAndTheScaledReadingDoesNot() throws Exception {
        try (ModelLoader.LoadedModel loaded = EmbeddedModel.load(Device.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = loaded.model();
            NDArray images = model.config().preprocessing().normalize(SampleImages.first(manager, model.config(), 40));
            double softmax = meanRelativeGap(model, images, "softmax");
            double scaled = meanRelativeGap(model, images, "scaled");
            System.out.printf(
                    Locale.ROOT,
                    "distance between TokenTM's unit-norm heatmap and its first-order expansion's, mean over 40 images:"
                            + " necc=softmax %.2e, necc=scaled %.2e%n",
                    softmax,
                    scaled);
            assertTrue(softmax < 0.02, "the softmax reading's product differs from its first order by " + softmax);
            assertTrue(scaled > 0.1, "the scaled reading's product is within " + scaled + " of its first order");
        }
    }

    /**
     * Mean over images of ‖p̂ − f̂‖ with p̂, f̂ the product's and the first order's heatmaps scaled to
     * unit L2 norm: a heatmap's scale does not matter to any of its uses (orderings, masks,
     * normalized display), and the product also rescales every map by the [CLS] token's own
     * factors, a first-order effect of its own.
     */
    private static double meanRelativeGap(VisionTransformer model, NDArray images, String necc) {
        NDArray product =
                ExplainerRegistry.get("tokentm(necc=" + necc + ")").explain(model, images, TargetClasses.predicted());
        NDArray firstOrder = ExplainerRegistry.get("tokentm(necc=" + necc + ",aggregation=sum)")
                .explain(model, images, TargetClasses.predicted());
        return unit(product).sub(unit(firstOrder)).norm(PER_IMAGE).mean().getFloat();
    }

    private static final int[] PER_IMAGE = {1, 2};

    private static NDArray unit(NDArray maps) {
        return maps.div(maps.norm(PER_IMAGE, true));
    }
}
