package dev.tokentm.udfs.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small random models and inputs for tests. */
public final class TestVits {

    private TestVits() {}

    /** 16x16 RGB input, 8x8 patches (4 patches + [CLS]), width 12, 2 blocks of 2 heads, 3 classes. */
    public static VitConfig tiny() {
        return VitConfig.builder()
                .imageSize(16)
                .patchSize(8)
                .embedDim(12)
                .depth(2)
                .numHeads(2)
                .numClasses(3)
                .build();
    }

    /** 16x16 RGB input, 4x4 patches (16 patches + [CLS]), width 12, 2 heads, 3 classes, {@code depth} blocks. */
    public static VitConfig smallGrid(int depth) {
        return VitConfig.builder()
                .imageSize(16)
                .patchSize(4)
                .embedDim(12)
                .depth(depth)
                .numHeads(2)
                .numClasses(3)
                .build();
    }

    /**
     * A model whose weights have standard deviation {@code std} (timm's 0.02 makes every logit
     * nearly equal; gradient checks want visible structure) and LayerNorm affine parameters
     * perturbed away from 1 and 0.
     */
    public static VisionTransformer random(VitConfig config, long seed, double std, DataType type) {
        NDManager manager = NDManager.newBaseManager();
        Random random = new Random(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : VitParameters.expectedShapes(config).entrySet()) {
            boolean norm = e.getKey().contains("norm");
            double[] v = new double[Math.toIntExact(e.getValue().size())];
            for (int i = 0; i < v.length; i++) {
                double g = random.nextGaussian();
                v[i] = norm ? (e.getKey().endsWith("weight") ? 1 + 0.2 * g : 0.2 * g) : std * g;
            }
            tensors.put(e.getKey(), manager.create(v, e.getValue()).toType(type, false));
        }
        return new VisionTransformer(VitParameters.of(config, tensors), manager);
    }

    /** Standard-normal images {@code [batch, C, H, W]} in {@code type}. */
    public static NDArray images(NDManager manager, VitConfig config, int batch, long seed, DataType type) {
        Random random = new Random(seed);
        Shape shape = new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return manager.create(v, shape).toType(type, false);
    }

    /**
     * A ViT Shapley file for {@code model}: surrogate and explainer backbone its weights, a head drawn from
     * {@code seed}; written once to a temporary file, deleted when the JVM ends.
     */
    public static String vitShapleyFile(VisionTransformer model, long seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            dev.tokentm.udfs.model.VitConfig c = model.config();
            Map<String, NDArray> head = dev.tokentm.udfs.amortized.ShapleyHead.random(c, manager, seed);
            Map<String, NDArray> scaled = new LinkedHashMap<>();
            head.forEach((k, v) -> scaled.put(k, k.endsWith(".weight") && !k.contains("norm") ? v.mul(25) : v));
            VitParameters surrogate = VitParameters.of(c, model.parameters().tensors());
            try (dev.tokentm.udfs.amortized.VitShapleyModel vs = new dev.tokentm.udfs.amortized.VitShapleyModel(
                    surrogate,
                    surrogate,
                    new dev.tokentm.udfs.amortized.ShapleyHead(c, scaled),
                    manager.newSubManager(),
                    Map.of())) {
                java.nio.file.Path file = java.nio.file.Files.createTempFile("tokentm-vit-shapley", ".safetensors");
                file.toFile().deleteOnExit();
                java.nio.file.Files.write(file, vs.toBytes(Map.of()));
                return file.toString();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
