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
 * patch's key column are multiplied by {@code 1 − f} (f = 0.9). For images the paper suppresses a
 * patch together with the patches that show the same concept (its conceptual suppression,
 * {@code Aleph-Alpha/AtMan}, {@code conceptual_suppression.py}): every patch j whose input token (the
 * first block's input) has cosine similarity {@code s_ij ≥ similarity} with patch i's is suppressed
 * too, its scores multiplied by {@code 1 − f · s_ij} (their {@code (1 − k)(1 − s) + k} with k = 1 − f;
 * threshold 0.6, their default). {@code conceptual=false} is the single-patch suppression. One forward
 * pass per patch; the passes of a batch's images and patches go through together, {@code maxBatch}
 * at a time.
 *
 * @param suppression f, the share of the attention scores removed
 * @param conceptual whether similar patches are suppressed with the patch
 * @param similarity the cosine similarity from which a patch counts as the same concept
 * @param maxBatch suppressed copies per forward pass
 */
public record AtMan(double suppression, boolean conceptual, double similarity, int maxBatch) implements Explainer {

    public static final double DEFAULT_SUPPRESSION = 0.9;
    public static final boolean DEFAULT_CONCEPTUAL = true;
    public static final double DEFAULT_SIMILARITY = 0.6;
    public static final int DEFAULT_MAX_BATCH = 128;

    public AtMan {
        if (!(suppression > 0 && suppression <= 1)) {
            throw new IllegalArgumentException("parameter 'suppression' must be in (0, 1], got " + suppression);
        }
        if (!(similarity > 0 && similarity <= 1)) {
            throw new IllegalArgumentException("parameter 'similarity' must be in (0, 1], got " + similarity);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    public AtMan() {
        this(DEFAULT_SUPPRESSION, DEFAULT_CONCEPTUAL, DEFAULT_SIMILARITY, DEFAULT_MAX_BATCH);
    }

    /** From a spec: {@code atman(suppression=f, conceptual=true|false, similarity=s)}. */
    static AtMan of(MethodArguments a) {
        return new AtMan(
                a.real("suppression", DEFAULT_SUPPRESSION),
                a.flag("conceptual", DEFAULT_CONCEPTUAL),
                a.real("similarity", DEFAULT_SIMILARITY),
                DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return MethodSpec.named("atman")
                .with("suppression", suppression, DEFAULT_SUPPRESSION)
                .with("conceptual", conceptual, DEFAULT_CONCEPTUAL)
                .with("similarity", similarity, DEFAULT_SIMILARITY)
                .toString();
    }

    /** The unsuppressed logits and the explained classes; the input tokens for conceptual suppression. */
    @Override
    public TraceRequest needs() {
        return conceptual ? TraceRequest.reading(TracePoint.BLOCK_INPUT) : TraceRequest.none();
    }

    /**
     * The score multipliers of one suppressed copy: {@code 1 − f} at patch i, {@code 1 − f · s_ij} at
     * each patch j with {@code s_ij ≥ similarity} (when conceptual), 1 elsewhere.
     *
     * @param cosines the cosine similarities of patch i's input token with every patch's
     */
    double[] multipliers(double[] cosines, int patch) {
        double[] out = new double[cosines.length];
        for (int j = 0; j < out.length; j++) {
            if (j == patch) {
                out[j] = 1 - suppression;
            } else if (conceptual && cosines[j] >= similarity) {
                out[j] = 1 - suppression * Math.min(cosines[j], 1);
            } else {
                out[j] = 1;
            }
        }
        return out;
    }

    /** Per image, the cosine similarities between its patches' input tokens, {@code [patches * patches]}. */
    private static double[][] cosines(NDArray tokens, VitConfig c) {
        int batch = Math.toIntExact(tokens.getShape().get(0));
        int patches = c.numPatches();
        int d = c.embedDim();
        double[] all = tokens.get(":, " + c.numPrefixTokens() + ":, :")
                .toType(DataType.FLOAT64, false)
                .toDoubleArray();
        double[][] out = new double[batch][patches * patches];
        for (int b = 0; b < batch; b++) {
            double[] norms = new double[patches];
            for (int i = 0; i < patches; i++) {
                double n = 0;
                for (int k = 0; k < d; k++) {
                    double x = all[(b * patches + i) * d + k];
                    n += x * x;
                }
                norms[i] = Math.max(Math.sqrt(n), 1e-8); // as their get_similarity_matrix
            }
            for (int i = 0; i < patches; i++) {
                for (int j = 0; j < patches; j++) {
                    double dot = 0;
                    for (int k = 0; k < d; k++) {
                        dot += all[(b * patches + i) * d + k] * all[(b * patches + j) * d + k];
                    }
                    out[b][i * patches + j] = dot / (norms[i] * norms[j]);
                }
            }
        }
        return out;
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
        double[][] similar = conceptual ? cosines(context.trace().block(0).input(), c) : null;
        double[] alone = new double[patches];
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
                        double[] row = similar == null
                                ? alone
                                : Arrays.copyOfRange(similar[b], patch * patches, (patch + 1) * patches);
                        System.arraycopy(multipliers(row, patch), 0, factors, r * tokens + prefix, patches);
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
