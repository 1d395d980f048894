package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.ClassScore;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * R-Cut (Niu, Zhang, Feng, Sun, Zhao, Chen, "R-Cut: Enhancing Explainability in Vision Transformers
 * with Relationship Weighted Out and Cut", 2023; {@code oniu-uin0/R-Cut}, {@code r_cut.py} with {@code
 * pytorch_grad_cam/base_cam.py}'s {@code ncut}): the last block's {@code norm1} patch tokens weighted
 * per channel by Grad-CAM's mean gradient, {@code f_i = w ⊙ a_i}, {@code w = mean_p ∂y/∂a_p}
 * (Relationship Weighted Out); the tokens' cosine graph, {@code A_ij = 1} where {@code cos(f_i, f_j) >
 * τ} and {@code 1e-5} elsewhere, cut by the normalized cut's relaxation (Shi &amp; Malik 2000): the
 * eigenvector of {@code (D − A) v = λ D v} with the second smallest λ, {@code vᵀDv = 1}, solved as the
 * symmetric problem {@code D^-½ (D − A) D^-½ u = λ u}, {@code v = D^-½ u} (Commons Math). Its sign is
 * the library's: flipped when v at its largest |v| is at most mean(v). The map is {@code ReLU(v)},
 * min-max scaled with the library's 1e-7. Patch resolution.
 *
 * @param tau the cosine threshold of an edge
 * @param target the class score differentiated (the paper's code: the softmax probability)
 */
public record RCut(double tau, ClassScore target) implements Explainer {

    public static final double DEFAULT_TAU = 0.2;
    public static final ClassScore DEFAULT_TARGET = ClassScore.PROBABILITY;

    /** The weight of a non-edge, as the library's. */
    private static final double WEAK = 1e-5;

    public RCut {
        if (!(tau > -1 && tau < 1)) {
            throw new IllegalArgumentException("parameter 'tau' must be in (-1, 1), got " + tau);
        }
    }

    public RCut() {
        this(DEFAULT_TAU, DEFAULT_TARGET);
    }

    /** From a spec: {@code r-cut(tau=t, target=probability|logit)}. */
    static RCut of(MethodArguments a) {
        return new RCut(a.real("tau", DEFAULT_TAU), a.choice("target", DEFAULT_TARGET));
    }

    @Override
    public String name() {
        return MethodSpec.named("r-cut")
                .with("tau", tau, DEFAULT_TAU)
                .with("target", target, DEFAULT_TARGET)
                .toString();
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION_NORM)
                .andGradientsAt(TracePoint.ATTENTION_NORM)
                .differentiating(target);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig config = context.config();
        BlockTrace last = context.trace(target).block(config.depth() - 1);
        String patches = ":, " + config.numPrefixTokens() + ":, :";
        NDArray activations = last.value(TracePoint.ATTENTION_NORM).get(patches);
        NDArray gradients = last.gradient(TracePoint.ATTENTION_NORM).get(patches);
        NDArray weighted = activations.mul(gradients.mean(new int[] {1}, true)); // [B, P, D]
        Shape shape = weighted.getShape();
        int batch = Math.toIntExact(shape.get(0));
        int n = Math.toIntExact(shape.get(1));
        int d = Math.toIntExact(shape.get(2));
        double[] features =
                weighted.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        double[] maps = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double[] v = fiedler(features, b * n * d, n, d);
            System.arraycopy(scaled(v), 0, maps, b * n, n);
        }
        return HostArrays.of(
                context.manager(),
                maps,
                new Shape(batch, config.gridSize(), config.gridSize()),
                context.images().getDataType());
    }

    /** The sign-fixed generalized eigenvector of one image's token graph (before the ReLU). */
    private double[] fiedler(double[] features, int offset, int n, int d) {
        double[][] unit = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                double x = features[offset + i * d + k];
                norm += x * x;
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int k = 0; k < d; k++) {
                unit[i][k] = features[offset + i * d + k] / norm;
            }
        }
        double[][] affinity = new double[n][n];
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double cos = 0;
                for (int k = 0; k < d; k++) {
                    cos += unit[i][k] * unit[j][k];
                }
                affinity[i][j] = cos > tau ? 1 : WEAK;
                degree[i] += affinity[i][j];
            }
        }
        // D^-½ (D − A) D^-½ = I − D^-½ A D^-½
        double[][] normalized = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                normalized[i][j] = (i == j ? 1 : 0) - affinity[i][j] / Math.sqrt(degree[i] * degree[j]);
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(normalized, false);
        EigenDecomposition eigen = new EigenDecomposition(m);
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] u = eigen.getEigenvector(order[1]).toArray();
        double unitNorm = 0;
        for (double x : u) {
            unitNorm += x * x;
        }
        unitNorm = Math.sqrt(unitNorm);
        double[] v = new double[n];
        int seed = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            v[i] = u[i] / unitNorm / Math.sqrt(degree[i]);
            mean += v[i] / n;
            if (Math.abs(v[i]) > Math.abs(v[seed])) {
                seed = i;
            }
        }
        if (v[seed] <= mean) {
            for (int i = 0; i < n; i++) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    /** ReLU, then min-max with the library's 1e-7. */
    private static double[] scaled(double[] v) {
        double[] r = new double[v.length];
        double min = Double.MAX_VALUE;
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.max(v[i], 0);
            min = Math.min(min, r[i]);
        }
        double max = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] -= min;
            max = Math.max(max, r[i]);
        }
        for (int i = 0; i < r.length; i++) {
            r[i] /= 1e-7 + max;
        }
        return r;
    }
}
