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
import dev.tokentm.udfs.model.VitTrace;

/**
 * Transformer Input Sampling (Englebert et al. 2023; aenglebert/Transformer_Input_Sampling, {@code tis/tis.py}):
 * every block's output channels, over the patches, are points in patch space; k-means on them gives
 * {@code masks} centroids, and each centroid's top {@code keep} share of patches is a mask. Each mask is
 * scored by running the model on [CLS] and its patches alone, taken after the position embedding (the others
 * are dropped from the sequence, not replaced), as the target class's softmax probability; a patch's value is
 * the mean score of the masks that keep it, min-max normalized per image. The masked sequences of all images
 * go through the model together, up to {@code maxBatch} per pass ({@link PassSize}). Prefix tokens beyond [CLS] (distillation,
 * registers) are kept in every sequence; a patch that no mask keeps gets 0 before the scaling.
 *
 * @param masks the number of k-means clusters, hence masks (at most depth × width activation channels)
 * @param keep the share of patches each mask keeps (their {@code tokens_ratio})
 * @param seed the k-means start's seed, the same for every image
 * @param maxBatch the most masked sequences in one pass (their {@code batch_size})
 */
public record Tis(int masks, double keep, long seed, int maxBatch) implements Explainer {

    public static final int DEFAULT_MASKS = 1024;
    public static final double DEFAULT_KEEP = 0.5;
    public static final int DEFAULT_MAX_BATCH = 128;

    public Tis {
        if (masks < 1) {
            throw new IllegalArgumentException("parameter 'masks' must be at least 1, got " + masks);
        }
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("parameter 'keep' must be in (0, 1], got " + keep);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    /** Their defaults: 1,024 masks keeping half the patches, seed 0. */
    public Tis() {
        this(DEFAULT_MASKS, DEFAULT_KEEP, 0, DEFAULT_MAX_BATCH);
    }

    /** From a spec: {@code tis(masks=m, keep=r, seed=s)}. */
    static Tis of(MethodArguments a) {
        return new Tis(
                a.integer("masks", DEFAULT_MASKS),
                a.real("keep", DEFAULT_KEEP),
                a.longInteger("seed", 0),
                DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return MethodSpec.named("tis")
                .with("masks", masks, DEFAULT_MASKS)
                .with("keep", keep, DEFAULT_KEEP)
                .with("seed", seed, 0L)
                .toString();
    }

    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        long channels = (long) config.depth() * config.embedDim();
        if (masks > channels) {
            throw new IllegalArgumentException("method '" + name() + "': " + masks + " masks need as many activation"
                    + " channels to cluster, and this model has " + channels + " (depth " + config.depth() + " × width "
                    + config.embedDim() + "): set masks to at most " + channels);
        }
        if (kept(config) < 1) {
            throw new IllegalArgumentException(
                    "method '" + name() + "': keep=" + keep + " of " + config.numPatches() + " patches keeps none");
        }
    }

    private int kept(VitConfig c) {
        return (int) (keep * c.numPatches()); // their int(ratio * n_tokens)
    }

    /** The embedded tokens and every block's output. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.BLOCK_INPUT, TracePoint.BLOCK_OUTPUT);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig c = context.config();
        checkModel(c);
        VitTrace trace = context.valuesTrace();
        int batch = context.targets().length;
        int patches = c.numPatches();
        int prefix = c.numPrefixTokens();
        int perMask = kept(c);
        long[][] kept = new long[batch][];
        try (NDManager scope = context.manager().newSubManager()) {
            NDList outputs = new NDList();
            for (int l = 0; l < c.depth(); l++) {
                outputs.add(trace.block(l).output().get(":, " + prefix + ":, :")); // [B, P, D]
            }
            NDArray activations = NDArrays.concat(outputs, 2); // [B, P, L·D]
            activations.attach(scope);
            for (int b = 0; b < batch; b++) {
                try (NDManager image = scope.newSubManager()) {
                    NDArray points = activations.get(b).transpose(); // [L·D, P]
                    points.attach(image);
                    NDArray centroids = KMeans.centroids(points, masks, seed, KMeans.MAX_ITERATIONS, KMeans.TOLERANCE);
                    kept[b] = centroids
                            .topK(perMask, 1)
                            .get(1)
                            .toType(DataType.INT64, false)
                            .toLongArray();
                }
            }
        }
        double[] scores = scores(context.model(), trace.block(0).input(), context.targets(), kept, perMask, maxBatch);
        double[] map = new double[batch * patches];
        for (int b = 0; b < batch; b++) {
            double[] one = saliency(
                    java.util.Arrays.copyOfRange(scores, b * masks, (b + 1) * masks), kept[b], perMask, patches);
            System.arraycopy(MinMax.scaled(one), 0, map, b * patches, patches);
        }
        return HostArrays.of(
                context.manager(),
                map,
                new Shape(batch, c.gridSize(), c.gridSize()),
                context.images().getDataType());
    }

    /**
     * Each mask's score: the target class's softmax probability of the model run on the image's prefix tokens
     * and the mask's patches, taken from its embedded tokens.
     *
     * @param embedded block 0's input {@code [B, N, D]} (patches with their positions)
     * @param kept per image, its masks' patch indices, {@code perMask} each, one mask after another
     * @return every image's mask scores, image-major
     */
    static double[] scores(
            VisionTransformer model, NDArray embedded, int[] targets, long[][] kept, int perMask, int maxBatch) {
        VitConfig c = model.config();
        int prefix = c.numPrefixTokens();
        long n = embedded.getShape().get(1);
        long d = embedded.getShape().get(2);
        int batch = targets.length;
        int[] first = new int[batch + 1];
        for (int b = 0; b < batch; b++) {
            first[b + 1] = first[b] + kept[b].length / perMask;
        }
        int total = first[batch];
        double[] scores = new double[total];
        int length = prefix + perMask;
        int pass = PassSize.sequences(model, length, maxBatch);
        try (NDManager scope = embedded.getManager().newSubManager()) {
            NDArray rows = embedded.reshape(batch * n, d);
            rows.attach(scope);
            int image = 0;
            for (int start = 0; start < total; start += pass) {
                int count = Math.min(pass, total - start);
                long[] index = new long[count * length];
                int[] owner = new int[count];
                for (int s = 0; s < count; s++) {
                    int sequence = start + s;
                    while (sequence >= first[image + 1]) {
                        image++;
                    }
                    owner[s] = image;
                    int mask = sequence - first[image];
                    for (int t = 0; t < prefix; t++) {
                        index[s * length + t] = image * n + t;
                    }
                    for (int t = 0; t < perMask; t++) {
                        index[s * length + prefix + t] = image * n + prefix + kept[image][mask * perMask + t];
                    }
                }
                try (NDManager step = scope.newSubManager()) {
                    NDArray tokens = rows.get(step.create(index)).reshape(count, length, d);
                    tokens.attach(step);
                    double[] p = model.logitsFrom(0, tokens, ForwardHook.NONE)
                            .softmax(-1)
                            .toType(DataType.FLOAT64, false)
                            .toDoubleArray();
                    int classes = c.numClasses();
                    for (int s = 0; s < count; s++) {
                        scores[start + s] = p[s * classes + targets[owner[s]]];
                    }
                }
            }
        }
        return scores;
    }

    /**
     * One image's patch values: per patch, the summed scores of the masks that keep it over how many keep it
     * (their coverage correction); 0 where none does.
     *
     * @param kept the masks' patch indices, {@code perMask} each, one mask after another
     */
    static double[] saliency(double[] scores, long[] kept, int perMask, int patches) {
        double[] sum = new double[patches];
        int[] coverage = new int[patches];
        for (int m = 0; m < scores.length; m++) {
            for (int t = 0; t < perMask; t++) {
                int p = Math.toIntExact(kept[m * perMask + t]);
                sum[p] += scores[m];
                coverage[p]++;
            }
        }
        for (int p = 0; p < patches; p++) {
            sum[p] = coverage[p] == 0 ? 0 : sum[p] / coverage[p];
        }
        return sum;
    }
}
