package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.testing.ReferenceData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact and sampled patch Shapley values on shared/reference/vit-tiny-p8 (16 patches): the exact
 * values, their 65,536 coalition values, v(all) and v(∅) against the reference; efficiency;
 * sampled values within 4 of their stated standard errors of the exact ones, mean z² in [0.3, 3];
 * the stopping criterion; the permutations independent of how passes are split but not of the
 * seed.
 */
class ShapleyTest {

    private static ReferenceData reference;
    private static int[] predicted;
    private static Shapley.Estimate[] exact;

    @BeforeAll
    static void load() throws Exception {
        reference = ReferenceData.load();
        predicted = TargetClasses.predicted().select(reference.model().logits(reference.expected("images")));
        // The registry's default enumerates a grid of 16 patches.
        exact = ((Shapley) ExplainerRegistry.get("shapley"))
                .estimate(reference.model(), reference.expected("images"), predicted, reference.manager());
    }

    @AfterAll
    static void close() {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void exactValuesEqualTheReferenceAndAreEfficient() {
        NDManager m = reference.manager();
        double[] flat = new double[4 * 16];
        for (int b = 0; b < 4; b++) {
            Shapley.Estimate e = exact[b];
            assertEquals(0, e.permutations(), "enumerated, not sampled");
            System.arraycopy(e.values(), 0, flat, b * 16, 16);
            double sum = java.util.Arrays.stream(e.values()).sum();
            double gap = e.all() - e.empty();
            assertEquals(gap, sum, 1e-9 * Math.abs(gap), "efficiency, image " + b);
        }
        assertClose(m.create(flat).reshape(4, 16), reference.survey("shapley_exact"), 1e-4, "shapley_exact");
        assertClose(
                m.create(new double[] {exact[0].all(), exact[1].all(), exact[2].all(), exact[3].all()}),
                reference.survey("shapley_v_all"),
                1e-4,
                "v(all)");
        assertClose(
                m.create(new double[] {exact[0].empty(), exact[1].empty(), exact[2].empty(), exact[3].empty()}),
                reference.survey("shapley_v_empty"),
                1e-4,
                "v(empty)");
        // The registry's default enumerates a 16-patch grid.
        NDArray viaRegistry = ExplainerRegistry.get("shapley")
                .explain(reference.model(), reference.expected("images").get("0:1"), TargetClasses.of(predicted[0]));
        assertClose(
                viaRegistry.reshape(1, 16), reference.survey("shapley_exact").get("0:1"), 1e-4, "registry");
    }

    @Test
    void coalitionValuesAreTheMaskedLogits() {
        NDArray images = reference.expected("images");
        VisionTransformer model = reference.model();
        double[] v = Shapley.coalitionValues(
                model.config().numPatches(),
                (image, cls, keep, count, scope) -> PatchMasking.logits(model, image, cls, keep, count, 256, scope),
                images.get(2),
                predicted[2],
                reference.manager());
        assertClose(
                reference.manager().create(v),
                reference.survey("shapley_coalition_values").get(2),
                1e-4,
                "v(S)");
    }

    @Test
    void sampledValuesAreEfficientAndWithinTheirStatedError() {
        Shapley sampled = new Shapley(false, 512, 0, 7, 512);
        Shapley.Estimate[] estimates =
                sampled.estimate(reference.model(), reference.expected("images"), predicted, reference.manager());
        double squares = 0;
        int n = 0;
        for (int b = 0; b < 4; b++) {
            Shapley.Estimate s = estimates[b];
            assertEquals(512, s.permutations(), "tolerance 0 draws every sample");
            double sum = java.util.Arrays.stream(s.values()).sum();
            assertEquals(s.all() - s.empty(), sum, 1e-6 * Math.abs(s.all() - s.empty()), "efficiency");
            for (int j = 0; j < 16; j++) {
                double z = (s.values()[j] - exact[b].values()[j]) / s.standardErrors()[j];
                assertTrue(Math.abs(z) < 4, "image " + b + " patch " + j + ": error " + z + " standard errors");
                squares += z * z;
                n++;
            }
        }
        // The stated errors are neither far too small nor far too large: mean z² near 1.
        double meanSquare = squares / n;
        assertTrue(meanSquare > 0.3 && meanSquare < 3, "mean squared z-score " + meanSquare);
    }

    @Test
    void samplingStopsAtTheToleranceAndIsSeeded() {
        NDArray image = reference.expected("images").get("1:2");
        int[] cls = {predicted[1]};
        // 2 pairs per pass (64 / 30 masked images): the criterion holds as soon as it is checked.
        Shapley.Estimate loose = sample(64, 3, image, cls);
        assertEquals(2 * Shapley.MIN_PAIRS, loose.permutations());
        // 1 pair per pass: the same permutations, so the same values.
        Shapley.Estimate again = sample(30, 3, image, cls);
        assertEquals(java.util.Arrays.toString(loose.values()), java.util.Arrays.toString(again.values()));
        Shapley.Estimate other = sample(64, 4, image, cls);
        assertTrue(!java.util.Arrays.equals(loose.values(), other.values()), "another seed, other permutations");
    }

    private static Shapley.Estimate sample(int maxBatch, long seed, NDArray image, int[] cls) {
        return new Shapley(false, 512, 10, seed, maxBatch)
                .estimate(reference.model(), image, cls, reference.manager())[0];
    }

    @Test
    void specsAndRefusals() {
        assertEquals(
                "shapley(exact=false,samples=2048)", ExplainerRegistry.canonical("shapley(samples=2048, exact=false)"));
        assertEquals("shapley", ExplainerRegistry.canonical("shapley(exact=auto,seed=0)"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("shapley(exact=maybe)"));
        assertEquals(
                "method 'shapley': parameter 'exact' must be one of auto, true, false, got 'maybe'", e.getMessage());
    }
}
