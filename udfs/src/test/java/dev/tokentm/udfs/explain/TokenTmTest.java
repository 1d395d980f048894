package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.testing.TestVits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void handComputedOneLayerThreeTokens() {
        double[][] x = {{1, 0}, {0, 2}, {3, 4}};
        double[][] vp = {{2, 0}, {0, -1}, {0, 5}};
        double[][] a = {{0.5, 0.3, 0.2}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}};
        double[][] g = {{1.0, 2.0, -1.0}, {0.5, 0.5, 0.5}, {-2.0, 1.0, 3.0}};
        double[][] mid = {{1, 1}, {2, 0}, {0, 3}};
        double[][] mlp = {{1, 1}, {0, 1}, {0, -6}};
        TokenTm.Layer layer =
                new TokenTm.Layer(tokens(x), tokens(x), tokens(vp), map(a), map(g), tokens(mid), tokens(mlp));
        double[] row = new TokenTm().clsRow(List.of(layer), manager).toDoubleArray();

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
        TokenTm equal =
                new TokenTm(TokenTmConfig.defaults().withUseLength(false).withUseNecc(false));
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
        NDArray batch = new TokenTm().explain(model, images, TargetClasses.of(0, 2, 1));
        int[] targets = {0, 2, 1};
        for (int i = 0; i < 3; i++) {
            NDArray one = new TokenTm().explain(model, images.get(i + ":" + (i + 1)), TargetClasses.of(targets[i]));
            assertClose(batch.get(i), one.get(0), 1e-10, "image " + i);
        }
    }

    @Test
    void ablationSwitchesChangeTheResultAndLastLayersCoversAllAtDepth() {
        TokenTmConfig full = TokenTmConfig.defaults();
        NDArray reference = new TokenTm(full).explain(model, images, TargetClasses.predicted());
        List<TokenTmConfig> variants = List.of(
                full.withUseLength(false),
                full.withUseNecc(false),
                full.withAggregate(false),
                full.withLastLayers(1),
                full.withIncludeMlp(false),
                full.withLengthInit(false),
                full.withGradientWeighted(false),
                full.withNeccScaledByTokens(true),
                full.withNormalizedInput(true));
        for (TokenTmConfig variant : variants) {
            NDArray other = new TokenTm(variant).explain(model, images, TargetClasses.predicted());
            double diff =
                    dev.tokentm.udfs.testing.Compare.relativeL2(other.div(other.sum()), reference.div(reference.sum()));
            assertTrue(diff > 1e-6, variant + " gave the same heatmap as the default");
        }
        NDArray allByK = new TokenTm(full.withLastLayers(model.config().depth()))
                .explain(model, images, TargetClasses.predicted());
        assertClose(allByK, reference, 1e-12, "lastLayers = depth");
        IllegalArgumentException tooDeep =
                assertThrows(IllegalArgumentException.class, () -> new TokenTm(full.withLastLayers(9))
                        .explain(model, images, TargetClasses.predicted()));
        assertTrue(tooDeep.getMessage().contains("exceeds"), tooDeep.getMessage());
        assertThrows(IllegalArgumentException.class, () -> full.withLastLayers(-1));
    }

    @Test
    void specsSelectEveryAblationAndReadingAndNameThemCanonically() {
        TokenTmConfig full = TokenTmConfig.defaults();
        java.util.Map<String, TokenTmConfig> cases = new java.util.LinkedHashMap<>();
        cases.put("tokentm", full);
        cases.put("tokentm(length=off)", full.withUseLength(false));
        cases.put("tokentm(necc=off)", full.withUseNecc(false));
        cases.put("tokentm(necc=scaled)", full.withNeccScaledByTokens(true));
        cases.put("tokentm(aggregation=sum)", full.withAggregate(false));
        cases.put("tokentm(last-layers=2)", full.withLastLayers(2));
        cases.put("tokentm(mlp=off)", full.withIncludeMlp(false));
        cases.put("tokentm(init=identity)", full.withLengthInit(false));
        cases.put("tokentm(gradient=none)", full.withGradientWeighted(false));
        cases.put("tokentm(attention-from=norm)", full.withNormalizedInput(true));
        cases.put("tokentm(length=off,necc=off)", full.withUseLength(false).withUseNecc(false));
        for (var c : cases.entrySet()) {
            TokenTm method = (TokenTm) ExplainerRegistry.get(c.getKey());
            assertEquals(c.getValue(), method.config(), c.getKey());
            assertEquals(c.getKey(), method.name(), "canonical spec");
        }
        // Parameters in another order and at their defaults name the same method.
        assertEquals(
                "tokentm(length=off,necc=off)",
                ExplainerRegistry.canonical("tokentm(necc=off, mlp=on, length=off, last-layers=0)"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tokentm(necc=cosine)"));
        assertEquals(
                "method 'tokentm': parameter 'necc' must be one of softmax, scaled, off, got 'cosine'", e.getMessage());
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tokentm(last-layers=-1)"));
        assertEquals("method 'tokentm': parameter 'last-layers' must be >= 0 (0 = all), got -1", negative.getMessage());
    }
}
