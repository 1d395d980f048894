package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ClassScore;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.testing.TestVits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TokenTM by hand on 1-layer, 3-token cases (GAE weighting with softmax NECC; LibraGrad's separate
 * weighting with {@code necc=exp}); equal transformation weights reduce it to 2^L · GAE · input
 * lengths; a token transformed to length 0 contributes nothing; batch = per image (ours and
 * LibraGrad's); every parameter changes the result; every spec maps to its config and back to its
 * canonical name.
 */
class TokenTmTest {

    private static NDManager manager;
    private static VisionTransformer model;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        model = TestVits.random(TestVits.smallGrid(3), 21, 0.3, DataType.FLOAT64);
        images = TestVits.images(manager, model.config(), 3, 8, DataType.FLOAT64);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    private static NDArray tokens(double[][] rows) {
        double[] flat = new double[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(1, rows.length, rows[0].length));
    }

    private static NDArray map(double[][] rows) {
        return tokens(rows).reshape(1, 1, rows.length, rows.length);
    }

    private static double len(double[] v) {
        return Math.hypot(v[0], v[1]);
    }

    private static double cos(double[] a, double[] b) {
        double n = len(a) * len(b);
        return n == 0 ? 0 : (a[0] * b[0] + a[1] * b[1]) / n;
    }

    /** W_i = L(x̃_i)/L(x_i) · exp(cos_i) / Σ_j exp(cos_j), by hand. */
    private static double[] weightsByHand(double[][] x, double[][] y) {
        double[] w = new double[x.length];
        double z = 0;
        for (int j = 0; j < x.length; j++) {
            z += Math.exp(cos(x[j], y[j]));
        }
        for (int i = 0; i < x.length; i++) {
            double ratio = len(x[i]) == 0 ? 0 : len(y[i]) / len(x[i]);
            w[i] = ratio * Math.exp(cos(x[i], y[i])) / z;
        }
        return w;
    }

    // One layer of three 2-d tokens for the hand-computed cases: block input x, the attention
    // sub-layer's "after" tokens, attention a and its gradient g (one head), the MLP's before and after.
    private static final double[][] X = {{1, 0}, {0, 2}, {3, 4}};
    private static final double[][] AFTER = {{2, 0}, {0, -1}, {0, 5}};
    private static final double[][] A = {{0.5, 0.3, 0.2}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}};
    private static final double[][] G = {{1.0, 2.0, -1.0}, {0.5, 0.5, 0.5}, {-2.0, 1.0, 3.0}};
    private static final double[][] MID = {{1, 1}, {2, 0}, {0, 3}};
    private static final double[][] OUT = {{1, 1}, {0, 1}, {0, -6}};

    private static TokenTm.Layer handLayer() {
        return new TokenTm.Layer(tokens(X), tokens(X), tokens(AFTER), map(A), map(G), tokens(MID), tokens(OUT));
    }

    @Test
    void handComputedOneLayerThreeTokens() {
        double[][] x = X, vp = AFTER, a = A, g = G, mid = MID, mlp = OUT;
        double[] row = new TokenTm().clsRow(List.of(handLayer()), manager).toDoubleArray();

        double[] wAttention = weightsByHand(x, vp);
        double[] wMlp = weightsByHand(mid, mlp);
        // r = e0 (I + D): only [CLS]'s own MLP weight enters; then r (I + M); then ⊙ L(x).
        double scale = 1 + wMlp[0];
        double[] expected = new double[3];
        for (int j = 0; j < 3; j++) {
            double m = Math.max(g[0][j] * a[0][j], 0) * wAttention[j];
            expected[j] = scale * ((j == 0 ? 1 : 0) + m) * len(x[j]);
        }
        assertEquals(0.0, expected[2], 0.0, "token 2's gradient-weighted attention is negative, so it gets 0");
        for (int j = 0; j < 3; j++) {
            assertEquals(expected[j], row[j], 1e-12, "token " + j);
        }
    }

    @Test
    void handComputedSeparateGradientAndExponentialNecc() {
        double[][] x = X, after = AFTER, a = A, g = G, mid = MID, out = OUT;
        TokenTm method = (TokenTm) ExplainerRegistry.get("tokentm(gradient=separate,necc=exp)");
        double[] row = method.clsRow(List.of(handLayer()), manager).toDoubleArray();
        // W_i = L(x̃_i)/L(x_i) · exp(cos_i − 1); M[0][j] = A[0][j] · W_j · max(∇A[0][j], 0).
        double[] expected = new double[3];
        double mlp0 = len(out[0]) / len(mid[0]) * Math.exp(cos(mid[0], out[0]) - 1);
        for (int j = 0; j < 3; j++) {
            double w = len(after[j]) / len(x[j]) * Math.exp(cos(x[j], after[j]) - 1);
            double m = a[0][j] * w * Math.max(g[0][j], 0);
            expected[j] = (1 + mlp0) * ((j == 0 ? 1 : 0) + m) * len(x[j]);
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(expected[j], row[j], 1e-12, "token " + j);
        }
        assertEquals(0.0, row[2], 0.0, "a negative gradient is cut before it meets the attention");
    }

    @Test
    void aTokenWhoseTransformedLengthIsZeroContributesNothingDownstream() {
        double[][] x = {{1, 0}, {0, 2}, {3, 4}};
        double[][] vp = {{2, 1}, {1, -1}, {0, 0}};
        double[][] a = {{0.4, 0.3, 0.3}, {0.2, 0.4, 0.4}, {0.3, 0.3, 0.4}};
        double[][] g = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        double[][] mlp = {{1, 0}, {0, 1}, {1, 1}};
        TokenTm.Layer layer =
                new TokenTm.Layer(tokens(x), tokens(x), tokens(vp), map(a), map(g), tokens(x), tokens(mlp));
        double[] row =
                new TokenTm().clsRow(List.of(layer, layer, layer), manager).toDoubleArray();
        assertEquals(0.0, row[2], 0.0, "token 2 is transformed to length 0 in every layer");
        assertTrue(row[1] > 0, "token 1 still contributes: " + row[1]);
    }

    @Test
    void withEqualTransformationWeightsItReducesToAttentionOnlyAggregation() {
        Explainer equal = ExplainerRegistry.get("tokentm(length=off,necc=off)");
        NDArray tokenTm = equal.explain(model, images, TargetClasses.predicted());
        NDArray gae = new Gae().explain(model, images, TargetClasses.predicted());
        // W = 1: M_l is GAE's map, each MLP factor is 2·I, and the result is scaled by L(x_1).
        NDArray lengths;
        try (var trace = model.trace(images, dev.tokentm.udfs.model.TraceRequest.values())) {
            lengths = ClsRow.toGrid(trace.block(0).input().norm(new int[] {-1}), model.config());
            lengths.attach(manager);
        }
        NDArray expected = gae.mul(Math.pow(2, model.config().depth())).mul(lengths);
        assertClose(tokenTm, expected, 1e-10, "TokenTM with W = 1 vs 2^L · GAE · L(x_1)");
    }

    @Test
    void batchResultsEqualPerImageResults() {
        int[] targets = {0, 2, 1};
        for (String spec : List.of("tokentm", "tokentm-libragrad")) {
            Explainer method = ExplainerRegistry.get(spec);
            NDArray batch = method.explain(model, images, TargetClasses.of(targets));
            for (int i = 0; i < 3; i++) {
                NDArray one = method.explain(model, images.get(i + ":" + (i + 1)), TargetClasses.of(targets[i]));
                assertClose(batch.get(i), one.get(0), 1e-10, spec + ", image " + i);
            }
        }
    }

    @Test
    void everyParameterChangesTheResultAndLastLayersCoversAllAtDepth() {
        NDArray reference = new TokenTm().explain(model, images, TargetClasses.predicted());
        List<String> variants = List.of(
                "length=off",
                "necc=off",
                "necc=scaled",
                "necc=exp",
                "aggregation=sum",
                "last-layers=1",
                "mlp=off",
                "init=identity",
                "gradient=none",
                "gradient=separate",
                "attention-from=norm",
                "attention-after=residual",
                "mlp-after=residual",
                "target=probability");
        for (String variant : variants) {
            NDArray other =
                    ExplainerRegistry.get("tokentm(" + variant + ")").explain(model, images, TargetClasses.predicted());
            double diff =
                    dev.tokentm.udfs.testing.Compare.relativeL2(other.div(other.sum()), reference.div(reference.sum()));
            assertTrue(diff > 1e-6, variant + " gave the same heatmap as the default");
        }
        NDArray allByK = ExplainerRegistry.get(
                        "tokentm(last-layers=" + model.config().depth() + ")")
                .explain(model, images, TargetClasses.predicted());
        assertClose(allByK, reference, 1e-12, "last-layers = depth");
        Explainer tooDeep = ExplainerRegistry.get("tokentm(last-layers=9)");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> tooDeep.explain(model, images, TargetClasses.predicted()));
        assertEquals("tokentm(last-layers=9): last-layers 9 exceeds the model's 3 blocks", e.getMessage());
    }

    @Test
    void specsSelectEveryAblationAndReadingAndNameThemCanonically() {
        TokenTmConfig paper = TokenTmConfig.paper();
        java.util.Map<String, TokenTmConfig> cases = new java.util.LinkedHashMap<>();
        cases.put("tokentm", paper);
        cases.put("tokentm(length=off)", with(paper, "length", false));
        cases.put("tokentm(necc=scaled)", with(paper, "necc", TokenTmConfig.Necc.SCALED));
        cases.put("tokentm(necc=exp)", with(paper, "necc", TokenTmConfig.Necc.EXP));
        cases.put("tokentm(aggregation=sum)", with(paper, "aggregation", TokenTmConfig.Aggregation.SUM));
        cases.put("tokentm(last-layers=2)", with(paper, "lastLayers", 2));
        cases.put("tokentm(mlp=off)", with(paper, "mlp", false));
        cases.put("tokentm(init=identity)", with(paper, "init", TokenTmConfig.Init.IDENTITY));
        cases.put("tokentm(gradient=separate)", with(paper, "gradient", TokenTmConfig.Gradient.SEPARATE));
        cases.put("tokentm(attention-from=norm)", with(paper, "attentionFrom", TokenTmConfig.AttentionFrom.NORM));
        cases.put(
                "tokentm(attention-after=residual)",
                with(paper, "attentionAfter", TokenTmConfig.AttentionAfter.RESIDUAL));
        cases.put("tokentm(mlp-after=residual)", with(paper, "mlpAfter", TokenTmConfig.MlpAfter.RESIDUAL));
        cases.put("tokentm(target=probability)", with(paper, "target", ClassScore.PROBABILITY));
        cases.put("tokentm(length=off,necc=off)", with(with(paper, "length", false), "necc", TokenTmConfig.Necc.OFF));
        cases.put("tokentm-libragrad", TokenTmConfig.libraGrad());
        cases.put("tokentm-libragrad(target=logit)", with(TokenTmConfig.libraGrad(), "target", ClassScore.LOGIT));
        for (var c : cases.entrySet()) {
            TokenTm method = (TokenTm) ExplainerRegistry.get(c.getKey());
            assertEquals(c.getValue(), method.config(), c.getKey());
            assertEquals(c.getKey(), method.name(), "canonical spec");
        }
        // Parameters in another order and at their defaults name the same method; a preset's
        // parameters are named against the preset.
        assertEquals(
                "tokentm(length=off,necc=off)",
                ExplainerRegistry.canonical("tokentm(necc=off, mlp=on, length=off, last-layers=0)"));
        assertEquals(
                "tokentm-libragrad",
                ExplainerRegistry.canonical("tokentm-libragrad(gradient=separate,target=probability)"));
        assertEquals(
                "tokentm(gradient=separate,attention-after=residual,mlp-after=residual,target=probability)",
                ExplainerRegistry.canonical(
                        "tokentm(target=probability,mlp-after=residual,attention-after=residual,gradient=separate)"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tokentm(necc=cosine)"));
        assertEquals(
                "method 'tokentm': parameter 'necc' must be one of softmax, exp, scaled, off, got 'cosine'",
                e.getMessage());
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tokentm(last-layers=-1)"));
        assertEquals("method 'tokentm': parameter 'last-layers' must be >= 0 (0 = all), got -1", negative.getMessage());
    }

    /** {@code config} with one record component replaced. */
    private static TokenTmConfig with(TokenTmConfig config, String component, Object value) {
        var components = TokenTmConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                boolean replaced = components[i].getName().equals(component);
                values[i] = replaced ? value : components[i].getAccessor().invoke(config);
                types[i] = components[i].getType();
            }
            return TokenTmConfig.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
