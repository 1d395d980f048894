package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import java.util.Arrays;

/**
 * AtMan (Deiseroth, Deb, Weinbach, Brack, Schramowski, Kersting, NeurIPS 2023): a patch's relevance
 * is how much the explained class's cross-entropy rises when attention to that patch is suppressed,
 * {@code log p_c(x) − log p_c(x; suppress i)}: in every block and head, the pre-softmax scores of the
 * patch's key column are multiplied by {@code 1 − f} (the paper's single-token suppression, f =
 * 0.9). One forward pass per patch; the passes of a batch's images and patches go through together,
 * {@code maxBatch} at a time.
 *
 * @param suppression f, the share of the attention scores removed
 * @param maxBatch suppressed copies per forward pass
 */
public record AtMan(double suppression, int maxBatch) implements Explainer {

    public static final double DEFAULT_SUPPRESSION = 0.9;
    public static final int DEFAULT_MAX_BATCH = 128;

    public AtMan {
        if (!(suppression > 0 && suppression <= 1)) {
            throw new IllegalArgumentException("parameter 'suppression' must be in (0, 1], got " + suppression);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    public AtMan() {
        this(DEFAULT_SUPPRESSION, DEFAULT_MAX_BATCH);
    }

    /** From a spec: {@code atman(suppression=f)}. */
    static AtMan of(MethodArguments a) {
        return new AtMan(a.real("suppression", DEFAULT_SUPPRESSION), DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return MethodSpec.named("atman")
                .with("suppression", suppression, DEFAULT_SUPPRESSION)
                .toString();
    }

    /** The unsuppressed logits and the explained classes. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VisionTransformer model = context.model();
        VitConfig c = model.config();
        NDArray x = context.images();
        int[] classes = context.targets();
        int batch = classes.length;
        int patches = c.numPatches();
        int tokens = c.numTokens();
        int prefix = c.numPrefixTokens();
        double[] original = logProbabilities(context.trace().logits(), classes, 0, batch);
        double[] relevance = new double[batch * patches];
        int total = batch * patches;
        try (NDManager scope = context.manager().newSubManager()) {
            for (int first = 0; first < total; first += maxBatch) {
                int m = Math.min(maxBatch, total - first);
                try (NDManager pass = scope.newSubManager()) {
                    pass.tempAttachAll(x);
                    NDList copies = new NDList();
                    double[] factors = new double[m * tokens];
                    Arrays.fill(factors, 1.0);
                    int[] copyClasses = new int[m];
                    for (int r = 0; r < m; r++) {
                        int b = (first + r) / patches;
                        int patch = (first + r) % patches;
                        copies.add(x.get(b));
                        factors[r * tokens + prefix + patch] = 1 - suppression;
                        copyClasses[r] = classes[b];
                    }
                    NDArray scale = HostArrays.of(pass, factors, new Shape(m, 1, 1, tokens), x.getDataType());
                    ForwardHook suppress = new ForwardHook() {
                        @Override
                        public NDArray onTensor(int block, TracePoint point, NDArray value) {
                            return point == TracePoint.ATTENTION_SCORES ? value.mul(scale) : value;
                        }

                        @Override
                        public boolean wants(TracePoint point) {
                            return point == TracePoint.ATTENTION_SCORES;
                        }
                    };
                    NDArray logits = model.forward(NDArrays.stack(copies), suppress);
                    double[] suppressed = logProbabilities(logits, copyClasses, 0, m);
                    for (int r = 0; r < m; r++) {
                        relevance[first + r] = original[(first + r) / patches] - suppressed[r];
                    }
                }
            }
        }
        return HostArrays.of(
                context.manager(), relevance, new Shape(batch, c.gridSize(), c.gridSize()), x.getDataType());
    }

    /** {@code log softmax(logits)[row, class]} for rows {@code first..first+count-1}. */
    private static double[] logProbabilities(NDArray logits, int[] classes, int first, int count) {
        double[] all = logits.toType(DataType.FLOAT64, false).toDoubleArray();
        int k = all.length / Math.toIntExact(logits.getShape().get(0));
        double[] out = new double[count];
        for (int r = 0; r < count; r++) {
            int row = first + r;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, all[row * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(all[row * k + j] - max);
            }
            out[r] = all[row * k + classes[r]] - max - Math.log(sum);
        }
        return out;
    }
}
