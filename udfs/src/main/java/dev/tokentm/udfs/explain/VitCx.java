package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.apporiented.algorithm.clustering.Cluster;
import com.apporiented.algorithm.clustering.CompleteLinkageStrategy;
import com.apporiented.algorithm.clustering.DefaultClusteringAlgorithm;
import dev.tokentm.udfs.image.BilinearUpsampler;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.random.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ViT-CX (Xie, Li, Shen, Jiao, Zhang, Ma, IJCAI 2023; {@code vaynexie/CausalX-ViT}, {@code ViT_CX}
 * and {@code causal_score}): each channel of the last block's {@code norm1} patch tokens, upsampled
 * bilinearly to the input and min-max normalized, is a mask; masks are clustered by complete linkage
 * on cosine distance (merging while the distance is below {@code threshold}), each cluster's summed
 * mask normalized again. A mask M scores {@code s = p_c(x⊙M + n⊙(1−M)) − p_c(x + n⊙(1−M)) + p_c(x)},
 * n Gaussian noise of standard deviation σ in normalized space; the map is {@code Σ_k s_k M_k / Σ_k
 * M_k / K} per pixel. A map over the input's pixels. Noise is drawn from {@code seed} mixed with a
 * hash of the image, so an image's map does not depend on its batch.
 *
 * @param noise σ of the noise
 * @param threshold the clustering's cosine-distance threshold
 * @param seed the seed of the noise
 * @param maxBatch masked images per forward pass
 */
public record VitCx(double noise, double threshold, long seed, int maxBatch) implements Explainer {

    public static final double DEFAULT_NOISE = 0.1;
    public static final double DEFAULT_THRESHOLD = 0.1;
    public static final int DEFAULT_MAX_BATCH = 64;

    public VitCx {
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("parameter 'noise' must be >= 0, got " + noise);
        }
        if (!(threshold > 0 && threshold <= 2)) {
            throw new IllegalArgumentException("parameter 'threshold' must be in (0, 2], got " + threshold);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    /** The authors' settings: σ = 0.1, threshold 0.1. */
    public VitCx() {
        this(DEFAULT_NOISE, DEFAULT_THRESHOLD, 0, DEFAULT_MAX_BATCH);
    }

    /** From a spec: {@code vit-cx(noise=σ, threshold=t, seed=s)}. */
    static VitCx of(MethodArguments a) {
        return new VitCx(
                a.real("noise", DEFAULT_NOISE),
                a.real("threshold", DEFAULT_THRESHOLD),
                a.longInteger("seed", 0),
                DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return MethodSpec.named("vit-cx")
                .with("noise", noise, DEFAULT_NOISE)
                .with("threshold", threshold, DEFAULT_THRESHOLD)
                .with("seed", seed, 0L)
                .toString();
    }

    @Override
    public boolean pixelResolution() {
        return true;
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION_NORM);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VisionTransformer model = context.model();
        VitConfig c = model.config();
        NDArray x = context.images();
        int[] classes = context.targets();
        NDArray tokens = context.valuesTrace().block(c.depth() - 1).value(TracePoint.ATTENTION_NORM);
        double[] probabilities = context.valuesTrace()
                .logits()
                .softmax(1)
                .toType(DataType.FLOAT64, false)
                .toDoubleArray();
        int numClasses = c.numClasses();
        NDList maps = new NDList();
        try (NDManager scope = context.manager().newSubManager()) {
            NDArray up = HostArrays.of(
                    scope,
                    BilinearUpsampler.weights(c.gridSize(), c.imageSize()),
                    new Shape(c.imageSize(), c.gridSize()),
                    x.getDataType());
            for (int b = 0; b < classes.length; b++) {
                NDArray image = x.get(b);
                image.attach(scope);
                NDArray features = tokens.get(b).get(c.numPrefixTokens() + ":, :"); // [P, D]
                features.attach(scope);
                double p = probabilities[b * numClasses + classes[b]];
                NDArray map = explainOne(model, image, features, up, classes[b], p, scope);
                map.attach(context.manager());
                maps.add(map);
            }
        }
        return NDArrays.stack(maps);
    }

    private NDArray explainOne(
            VisionTransformer model, NDArray image, NDArray features, NDArray up, int cls, double p, NDManager scope) {
        VitConfig c = model.config();
        int g = c.gridSize();
        int side = c.imageSize();
        long d = c.embedDim();
        // [D, g, g] upsampled to [D, H, W]: R · F · Rᵀ with R the bilinear weights [H, g].
        NDArray grids = features.transpose(1, 0).reshape(d, g, g);
        NDArray pixels = up.matMul(grids).matMul(up.transpose()).reshape(d, (long) side * side);
        NDArray masks = minMaxRows(pixels);
        int[] labels = clusters(masks);
        int k = Arrays.stream(labels).max().orElse(-1) + 1;
        double[] membership = new double[k * (int) d];
        for (int i = 0; i < labels.length; i++) {
            membership[labels[i] * (int) d + i] = 1;
        }
        NDArray clustered = minMaxRows(HostArrays.of(scope, membership, new Shape(k, d), masks.getDataType())
                .matMul(masks)); // [K, HW]
        double[] scores = scores(model, image, clustered.reshape(k, 1, side, side), cls, p, scope);
        NDArray s = HostArrays.of(scope, scores, new Shape(1, k), masks.getDataType());
        NDArray coverage = clustered.sum(new int[] {0});
        NDArray weighted = s.matMul(clustered).squeeze(0);
        return Layers.divideOrZero(weighted, coverage).div(k).reshape(side, side);
    }

    /** {@code p_c(x⊙M + n⊙(1−M)) − p_c(x + n⊙(1−M)) + p_c(x)} per mask; masks {@code [K, 1, H, W]}. */
    private double[] scores(VisionTransformer model, NDArray image, NDArray masks, int cls, double p, NDManager scope) {
        int k = Math.toIntExact(masks.getShape().get(0));
        Shape pixels = image.getShape();
        SplittableRandom random = new SplittableRandom(
                Seeds.mix(seed, Seeds.of(image.toType(DataType.FLOAT32, false).toFloatArray())));
        double[] result = new double[k];
        int perPass = Math.max(1, maxBatch / 2);
        for (int first = 0; first < k; first += perPass) {
            int m = Math.min(perPass, k - first);
            try (NDManager pass = scope.newSubManager()) {
                double[] gaussian = new double[Math.toIntExact(m * pixels.size())];
                for (int i = 0; i < gaussian.length; i++) {
                    gaussian[i] = noise * random.nextGaussian();
                }
                NDArray mask = masks.get(first + ":" + (first + m));
                mask.attach(pass);
                NDArray n = HostArrays.of(pass, gaussian, new Shape(m).addAll(pixels), image.getDataType())
                        .mul(mask.neg().add(1));
                NDArray masked = mask.mul(image).add(n);
                NDArray noisy = n.add(image);
                NDArray probabilities = model.logits(NDArrays.concat(new NDList(masked, noisy), 0))
                        .softmax(1)
                        .get(":, " + cls)
                        .toType(DataType.FLOAT64, false);
                double[] v = probabilities.toDoubleArray();
                for (int i = 0; i < m; i++) {
                    result[first + i] = v[i] - v[m + i] + p;
                }
            }
        }
        return result;
    }

    /** Cluster labels of the masks' rows: complete linkage on cosine distance, merged while below the threshold. */
    private int[] clusters(NDArray masks) {
        NDArray norms = masks.norm(new int[] {1}, true);
        NDArray similarity = Layers.divideOrZero(masks.matMul(masks.transpose()), norms.matMul(norms.transpose()));
        int d = Math.toIntExact(masks.getShape().get(0));
        double[] flat = similarity.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] distance = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                distance[i][j] = i == j ? 0 : 1 - flat[i * d + j];
            }
        }
        return completeLinkage(distance, threshold);
    }

    /**
     * Cluster labels (0, 1, ... in the library's order) by complete linkage, merging while the
     * linkage distance is below {@code threshold}, as scikit-learn's {@code AgglomerativeClustering(
     * distance_threshold=t, linkage="complete")} does.
     */
    static int[] completeLinkage(double[][] distance, double threshold) {
        int d = distance.length;
        String[] names = new String[d];
        for (int i = 0; i < d; i++) {
            names[i] = Integer.toString(i);
        }
        // The library merges while the distance is <= its threshold; scikit-learn while < threshold.
        List<Cluster> flatClusters = new DefaultClusteringAlgorithm()
                .performFlatClustering(distance, names, new CompleteLinkageStrategy(), Math.nextDown(threshold));
        int[] labels = new int[d];
        for (int label = 0; label < flatClusters.size(); label++) {
            for (String leaf : leaves(flatClusters.get(label))) {
                labels[Integer.parseInt(leaf)] = label;
            }
        }
        return labels;
    }

    private static List<String> leaves(Cluster cluster) {
        if (cluster.isLeaf()) {
            return List.of(cluster.getName());
        }
        List<String> names = new ArrayList<>();
        for (Cluster child : cluster.getChildren()) {
            names.addAll(leaves(child));
        }
        return names;
    }

    /** Each row scaled to [0, 1] by its min and max; a constant row becomes 0. */
    private static NDArray minMaxRows(NDArray rows) {
        NDArray min = rows.min(new int[] {1}, true);
        NDArray max = rows.max(new int[] {1}, true);
        return Layers.divideOrZero(rows.sub(min), max.sub(min));
    }
}
