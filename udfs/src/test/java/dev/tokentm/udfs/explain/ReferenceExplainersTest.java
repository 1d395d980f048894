package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.testing.Compare;
import dev.tokentm.udfs.testing.ReferenceData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baselines against the heatmaps of shared/reference/vit-tiny-p8 (the five of {@code
 * shared/README.md}), and the survey's methods against {@code survey.safetensors}: Grad-SAM,
 * Integrated Gradients per pixel and per patch (also split over passes of 4 images), Grad-CAM,
 * partial LRP, full LRP (and in float64 to 1e-4), both Beyond Intuition variants with their
 * defaults and from block 0 (skipping block 0 changes the map), Attention Flow, {@code
 * tokentm-libragrad} (probability and logit targets, and the same reading spelled as {@code
 * tokentm(...)}); all for the predicted class.
 */
class ReferenceExplainersTest {

    private static ReferenceData reference;

    @BeforeAll
    static void load() throws Exception {
        reference = ReferenceData.load();
    }

    @AfterAll
    static void close() {
        if (reference != null) {
            reference.close();
        }
    }

    private static void check(Explainer explainer, String key, double tolerance) {
        NDArray heatmaps =
                explainer.explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        assertClose(heatmaps.reshape(4, 16), reference.expected(key), tolerance, explainer.name());
    }

    private static void checkSurvey(Explainer explainer, String key, double tolerance) {
        NDArray heatmaps =
                explainer.explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        NDArray expected = reference.survey(key);
        assertClose(heatmaps.reshape(expected.getShape()), expected, tolerance, explainer.name());
    }

    @Test
    void rCut() {
        NDArray probability =
                new RCut().explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        assertClose(probability.reshape(4, 16), reference.beyond("r_cut"), 1e-4, "r-cut");
        NDArray logit = ExplainerRegistry.get("r-cut(target=logit)")
                .explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        assertClose(logit.reshape(4, 16), reference.beyond("r_cut_logit"), 1e-4, "r-cut(target=logit)");
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ExplainerRegistry.get("r-cut(tau=1.5)"));
        assertTrue(bad.getMessage().contains("'tau'"), bad.getMessage());
    }

    @Test
    void vitReciproCam() {
        NDArray cam = new VitReciproCam(7)
                .explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        assertClose(cam.reshape(4, 16), reference.beyond("vit_reciprocam"), 5e-4, "vit-reciprocam, 7 copies a pass");
    }

    /** LeGrad at both resolutions, from the last two blocks and from every block. */
    @Test
    void leGrad() {
        NDArray images = reference.expected("images");
        String[][] cases = {
            {"legrad", "legrad"},
            {"legrad(resolution=patch)", "legrad_patch"},
            {"legrad(first-block=0)", "legrad_all"},
            {"legrad(first-block=0,resolution=patch)", "legrad_all_patch"}
        };
        for (String[] c : cases) {
            NDArray map = ExplainerRegistry.get(c[0]).explain(reference.model(), images, TargetClasses.predicted());
            NDArray expected = reference.beyond(c[1]);
            assertClose(map.reshape(expected.getShape()), expected, 1e-4, c[0]);
        }
    }

    /** AttnLRP and CP-LRP as lxt computes them, per pixel and per patch. */
    @Test
    void attnLrp() {
        NDArray images = reference.expected("images");
        String[][] cases = {
            {"attnlrp", "attnlrp"},
            {"attnlrp(resolution=patch)", "attnlrp_patch"},
            {"attnlrp(variant=cp)", "attnlrp_cp"},
            {"attnlrp(variant=cp,resolution=patch)", "attnlrp_cp_patch"}
        };
        for (String[] c : cases) {
            NDArray map = ExplainerRegistry.get(c[0]).explain(reference.model(), images, TargetClasses.predicted());
            NDArray expected = reference.beyond(c[1]);
            assertClose(map.reshape(expected.getShape()), expected, 1e-4, c[0]);
        }
    }

    /**
     * TIS's scoring and saliency from the reference's own 64 masks (their k-means start cannot be reproduced):
     * each mask's class probability, then the coverage-corrected, min-max scaled map.
     */
    @Test
    void tisFromTheReferenceMasks() {
        NDArray images = reference.expected("images");
        var model = reference.model();
        float[] binary = reference.beyond("tis_masks").toFloatArray(); // [4, 64, 16]
        int batch = 4;
        int masks = 64;
        int patches = 16;
        int perMask = 8;
        long[][] kept = new long[batch][masks * perMask];
        for (int b = 0; b < batch; b++) {
            int t = 0;
            for (int m = 0; m < masks; m++) {
                for (int p = 0; p < patches; p++) {
                    if (binary[(b * masks + m) * patches + p] == 1f) {
                        kept[b][t++] = p;
                    }
                }
                assertEquals((m + 1) * perMask, t, "mask " + m + " of image " + b + " keeps half the patches");
            }
        }
        try (VitTrace trace = model.trace(images, TraceRequest.reading(TracePoint.BLOCK_INPUT))) {
            int[] predicted = TargetClasses.predicted().select(trace.logits());
            double[] scores = Tis.scores(model, trace.block(0).input(), predicted, kept, perMask, 24);
            NDArray expectedScores = reference.beyond("tis_scores");
            assertClose(
                    images.getManager().create(scores, new ai.djl.ndarray.types.Shape(batch, masks)),
                    expectedScores,
                    1e-4,
                    "tis mask scores");
            double[] maps = new double[batch * patches];
            for (int b = 0; b < batch; b++) {
                double[] one = MinMax.scaled(Tis.saliency(
                        java.util.Arrays.copyOfRange(scores, b * masks, (b + 1) * masks), kept[b], perMask, patches));
                System.arraycopy(one, 0, maps, b * patches, patches);
            }
            assertClose(
                    images.getManager().create(maps, new ai.djl.ndarray.types.Shape(batch, patches)),
                    reference.beyond("tis"),
                    1e-4,
                    "tis from the reference masks");
        }
    }

    @Test
    void gradSam() {
        checkSurvey(new GradSam(), "grad_sam", 1e-4);
    }

    @Test
    void integratedGradients() {
        checkSurvey(new IntegratedGradients(), "ig_pixels", 1e-4);
        checkSurvey(ExplainerRegistry.get("integrated-gradients(resolution=patch)"), "integrated_gradients", 1e-4);
        // Fewer images per pass give the same map (the steps are split over passes).
        checkSurvey(new IntegratedGradients(32, 4, false), "integrated_gradients", 1e-4);
    }

    @Test
    void gradCam() {
        checkSurvey(new GradCam(), "gradcam_ln", 1e-4);
    }

    @Test
    void partialLrp() {
        checkSurvey(new PartialLrp(), "partial_lrp", 1e-6);
    }

    @Test
    void fullLrp() {
        checkSurvey(new FullLrp(), "full_lrp", 2e-5);
        // It runs in float64 whatever the model's type (a float32 forward pass left 6.5e-3 here); a float64
        // model gives the same.
        try (var f64 = reference.model().toType(ai.djl.ndarray.types.DataType.FLOAT64)) {
            NDArray images64 = reference.expected("images").toType(ai.djl.ndarray.types.DataType.FLOAT64, true);
            NDArray map64 = new FullLrp().explain(f64, images64, TargetClasses.predicted());
            assertClose(map64.reshape(4, 32, 32), reference.survey("full_lrp"), 2e-5, "full-lrp in float64");
        }
        NDArray pixels =
                new FullLrp().explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        NDArray patches = PatchEmbedding.patchSums(pixels, reference.model().config());
        assertClose(patches.reshape(4, 16), reference.survey("full_lrp_patches"), 2e-5, "full-lrp patch sums");
    }

    @Test
    void beyondIntuition() {
        // The authors' first blocks (3 and 6) exceed this model's depth 3: every block is aggregated.
        checkSurvey(ExplainerRegistry.get("bt-h"), "bt_h", 1e-4);
        checkSurvey(ExplainerRegistry.get("bt-t"), "bt_t", 1e-4);
        checkSurvey(ExplainerRegistry.get("bt-h(first-block=0)"), "bt_h_start0", 1e-4);
        checkSurvey(ExplainerRegistry.get("bt-t(first-block=0,steps=20)"), "bt_t_start0", 1e-4);
        NDArray fromBlock1 = ExplainerRegistry.get("bt-h(first-block=1)")
                .explain(reference.model(), reference.expected("images"), TargetClasses.predicted());
        assertTrue(
                Compare.relativeL2(fromBlock1.reshape(4, 16), reference.survey("bt_h")) > 1e-3,
                "skipping block 0 changed nothing");
    }

    @Test
    void tokenTmAsLibraGradComputesIt() {
        checkSurvey(ExplainerRegistry.get("tokentm-libragrad"), "tokentm_libragrad", 1e-4);
        checkSurvey(ExplainerRegistry.get("tokentm-libragrad(target=logit)"), "tokentm_libragrad_logit", 1e-4);
        // The same reading spelled as parameters of the paper's method.
        checkSurvey(
                ExplainerRegistry.get(
                        "tokentm(attention-after=residual,mlp-after=residual,gradient=separate,target=probability)"),
                "tokentm_libragrad",
                1e-4);
    }

    @Test
    void attentionFlow() {
        checkSurvey(new AttentionFlow(), "attention_flow", 1e-4);
    }

    @Test
    void rawAttention() {
        check(new RawAttention(), "raw_attention", 1e-4);
    }

    @Test
    void rollout() {
        check(new AttentionRollout(), "rollout", 1e-4);
    }

    @Test
    void gae() {
        check(new Gae(), "gae", 1e-4);
    }

    @Test
    void attentionGradCam() {
        check(new AttentionGradCam(), "attention_gradcam", 1e-4);
    }

    @Test
    void transformerAttribution() {
        check(new TransformerAttribution(), "transformer_attribution", 1e-3);
    }
}
