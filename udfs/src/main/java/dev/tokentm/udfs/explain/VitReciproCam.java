package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;

/**
 * ViT-ReciproCAM (Byun &amp; Lee 2023; sybyun/vitcam, {@code src/vit_recipro_cam.py}), gradient-free: at
 * the second-to-last block's {@code norm1}, one copy of the image per patch in which that norm's output
 * keeps only [CLS] and the patch's 3×3 neighbourhood, weighted by the Gaussian {@code [[1/16, 1/8, 1/16],
 * [1/8, 1/4, 1/8], [1/16, 1/8, 1/16]]} centred on it (clipped at the border), all else zero; the block's
 * residual input is not masked. The explained class's softmax probability of each copy is the patch's
 * score, min-max normalized per image. Only the last two blocks run for the copies, up to {@code maxBatch}
 * copies at a time across the batch's images ({@link PassSize}).
 *
 * @param maxBatch the most copies per pass through the last blocks
 */
public record VitReciproCam(int maxBatch) implements Explainer {

    public static final int DEFAULT_MAX_BATCH = 512;

    /** The Gaussian weights of the 3×3 neighbourhood, row-major, centre in the middle. */
    private static final double[] GAUSSIAN = {
        1 / 16.0, 1 / 8.0, 1 / 16.0,
        1 / 8.0, 1 / 4.0, 1 / 8.0,
        1 / 16.0, 1 / 8.0, 1 / 16.0
    };

    public VitReciproCam {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    public VitReciproCam() {
        this(DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return "vit-reciprocam";
    }

    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        if (config.depth() < 2) {
            throw new IllegalArgumentException(
                    "method '" + name() + "' masks the second-to-last block; the model has " + config.depth());
        }
    }

    /** The second-to-last block's input; its copies run on from there. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.BLOCK_INPUT);
    }

    /**
     * Per copy (image-major, then patch) the weight of every token in {@code norm1}'s output: [CLS] 1, the
     * patch's neighbourhood its Gaussian weight, the rest 0; {@code [copies, N, 1]}.
     */
    static double[] tokenWeights(VitConfig c) {
        int grid = c.gridSize();
        int n = c.numTokens();
        int prefix = c.numPrefixTokens();
        double[] w = new double[c.numPatches() * n];
        for (int i = 0; i < grid; i++) {
            for (int j = 0; j < grid; j++) {
                int row = (i * grid + j) * n;
                w[row] = 1; // [CLS]
                for (int di = -1; di <= 1; di++) {
                    for (int dj = -1; dj <= 1; dj++) {
                        int a = i + di;
                        int b = j + dj;
                        if (a >= 0 && a < grid && b >= 0 && b < grid) {
                            w[row + prefix + a * grid + b] = GAUSSIAN[(di + 1) * 3 + dj + 1];
                        }
                    }
                }
            }
        }
        return w;
    }

    @Override
    public NDArray explain(ExplainContext context) {
        checkModel(context.config());
        VitConfig c = context.config();
        int first = c.depth() - 2;
        VitTrace trace = context.valuesTrace();
        NDArray input = trace.block(first).input(); // [B, N, D]
        int[] targets = context.targets();
        int batch = targets.length;
        int patches = c.numPatches();
        int n = c.numTokens();
        double[] weights = tokenWeights(c);
        double[] scores = new double[batch * patches];
        int copies = batch * patches;
        int perPass = PassSize.sequences(context.model(), n, maxBatch);
        try (NDManager scope = context.manager().newSubManager()) {
            for (int start = 0; start < copies; start += perPass) {
                int count = Math.min(perPass, copies - start);
                try (NDManager pass = scope.newSubManager()) {
                    long[] images = new long[count];
                    double[] w = new double[count * n];
                    for (int k = 0; k < count; k++) {
                        int copy = start + k;
                        images[k] = copy / patches;
                        System.arraycopy(weights, (copy % patches) * n, w, k * n, n);
                    }
                    NDArray tokens = input.get(pass.create(images));
                    tokens.attach(pass);
                    NDArray mask = pass.create(w, new Shape(count, n, 1))
                            .toType(input.getDataType(), false)
                            .toDevice(input.getDevice(), false);
                    ForwardHook masked = new ForwardHook() {
                        @Override
                        public NDArray onTensor(int block, TracePoint point, NDArray value) {
                            return block == first && point == TracePoint.ATTENTION_NORM ? value.mul(mask) : value;
                        }

                        @Override
                        public boolean wants(TracePoint point) {
                            return point == TracePoint.ATTENTION_NORM;
                        }
                    };
                    double[] p = context.model()
                            .logitsFrom(first, tokens, masked)
                            .softmax(-1)
                            .toType(DataType.FLOAT64, false)
                            .toDoubleArray();
                    int classes = c.numClasses();
                    for (int k = 0; k < count; k++) {
                        int copy = start + k;
                        scores[copy] = p[k * classes + targets[copy / patches]];
                    }
                }
            }
        }
        for (int b = 0; b < batch; b++) { // min-max per image, as their _get_token_weight
            double[] one = MinMax.scaled(java.util.Arrays.copyOfRange(scores, b * patches, (b + 1) * patches));
            System.arraycopy(one, 0, scores, b * patches, patches);
        }
        return HostArrays.of(
                context.manager(), scores, new Shape(batch, c.gridSize(), c.gridSize()), input.getDataType());
    }
}
