package dev.tokentm.udfs.amortized;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.CheckpointException;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.checkpoint.TimmMetadata;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trained ViT Shapley explainer for one classifier (Covert, Kim, Lee, ICLR 2023): the surrogate (the
 * classifier fine-tuned to coalitions of patches, {@link CoalitionMask}) and the explainer (a ViT started
 * from the surrogate, with a {@link ShapleyHead}), kept together because the explainer's values are
 * normalized with the surrogate's: {@code φ = φ̂ + ((v(all) − v(∅)) − Σ_j φ̂_j) / P}, their additive
 * efficiency normalization, where {@code v(S)} is the surrogate's softmax with coalition S. One file:
 * {@code surrogate.*} and {@code explainer.*} in timm naming, {@code head.*}, and the architecture in the
 * metadata. Two forward passes per image: the explainer's and the surrogate's {@code v(all)}.
 */
public final class VitShapleyModel implements AutoCloseable {

    /** The metadata key that marks a ViT Shapley file. */
    public static final String MARK = "vit_shapley";

    private final VitConfig config;
    private final VisionTransformer surrogate;
    private final VisionTransformer explainer;
    private final ShapleyHead head;
    private final NDManager manager;
    private final Map<String, String> metadata;
    private NDArray emptyValue;

    /**
     * @param manager owns every weight; closed with this model
     */
    public VitShapleyModel(
            VitParameters surrogate,
            VitParameters explainer,
            ShapleyHead head,
            NDManager manager,
            Map<String, String> metadata) {
        this.config = surrogate.config();
        if (!explainer.config().equals(config)) {
            throw new IllegalArgumentException("the explainer's backbone must have the surrogate's architecture");
        }
        this.surrogate = new VisionTransformer(surrogate, manager.newSubManager());
        this.explainer = new VisionTransformer(explainer, manager.newSubManager());
        this.head = Objects.requireNonNull(head, "head");
        this.manager = manager;
        this.metadata = Map.copyOf(metadata);
    }

    public VitConfig config() {
        return config;
    }

    public VisionTransformer surrogate() {
        return surrogate;
    }

    public VisionTransformer explainer() {
        return explainer;
    }

    public ShapleyHead head() {
        return head;
    }

    /** What the file says of its training (the classifier it was trained for, epochs, images). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The Shapley values of every patch for every class, {@code [B, P, C]}, of normalized images {@code
     * [B, C, H, W]}, without gradients; owned by the images' manager.
     */
    public NDArray values(NDArray images) {
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray tokens = explainer.finalTokens(images);
            tokens.attach(scope); // the head's intermediates follow it into the scope
            NDArray raw = head.forward(tokens);
            NDArray logits = surrogate.logits(images);
            logits.attach(scope);
            NDArray all = logits.softmax(-1);
            NDArray values = normalize(raw, all, empty(images));
            values.attach(images.getManager());
            return values;
        }
    }

    /**
     * The additive efficiency normalization: each class's values shifted equally so they sum to {@code
     * v(all) − v(∅)}.
     *
     * @param raw {@code [B, P, C]}
     * @param all {@code v(all)}, {@code [B, C]}
     * @param empty {@code v(∅)}, {@code [1, C]}
     */
    public static NDArray normalize(NDArray raw, NDArray all, NDArray empty) {
        NDArray patches = raw.getManager() // an array, not a Number: autograd reads the divisor in the backward pass
                .create((double) raw.getShape().get(1))
                .toType(raw.getDataType(), false)
                .toDevice(raw.getDevice(), false);
        NDArray gap = all.sub(empty).sub(raw.sum(new int[] {1}));
        return raw.add(gap.div(patches).expandDims(1));
    }

    /**
     * {@code v(∅)}, the surrogate's softmax when every patch is held out, {@code [1, C]}: the same for
     * every image (no token reads a patch), computed once; a copy in {@code like}'s manager.
     */
    public synchronized NDArray empty(NDArray like) {
        if (emptyValue == null) {
            try (NDManager scope = manager.newSubManager()) {
                int side = config.imageSize();
                NDArray image = scope.zeros(new Shape(1, config.channels(), side, side), surrogate.dataType());
                NDArray logits =
                        surrogate.forward(image, CoalitionMask.of(new float[config.numPatches()], 1, config, image));
                emptyValue = logits.softmax(-1);
                emptyValue.attach(manager);
            }
        }
        NDArray copy = emptyValue.toDevice(like.getDevice(), true).toType(like.getDataType(), true);
        copy.attach(like.getManager());
        return copy;
    }

    /**
     * The surrogate game {@code v(S)} for one class of one normalized image {@code [C, H, W]}: the
     * surrogate's softmax with each coalition of {@code keep} ({@code count} rows of P), {@code maxBatch}
     * at a time.
     */
    public double[] game(NDArray image, int cls, float[] keep, int count, int maxBatch, NDManager scope) {
        int patches = config.numPatches();
        double[] out = new double[count];
        for (int first = 0; first < count; first += maxBatch) {
            int n = Math.min(maxBatch, count - first);
            try (NDManager batch = scope.newSubManager()) {
                NDArray images = image.expandDims(0).repeat(0, n);
                images.attach(batch);
                float[] rows = java.util.Arrays.copyOfRange(keep, first * patches, (first + n) * patches);
                double[] p = surrogate
                        .forward(images, CoalitionMask.of(rows, n, config, images))
                        .softmax(-1)
                        .get(":, " + cls)
                        .toType(DataType.FLOAT64, false)
                        .toDoubleArray();
                System.arraycopy(p, 0, out, first, n);
            }
        }
        return out;
    }

    /** The file's tensors and metadata, ready for {@link Safetensors#write}. */
    public byte[] toBytes(Map<String, String> more) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager()) {
            surrogate.parameters().tensors().forEach((k, v) -> tensors.put("surrogate." + k, detached(v, scope)));
            explainer.parameters().tensors().forEach((k, v) -> tensors.put("explainer." + k, detached(v, scope)));
            head.weights().forEach((k, v) -> tensors.put(k, detached(v, scope)));
            Map<String, String> meta = new LinkedHashMap<>(TimmMetadata.fromConfig(config, null));
            meta.putAll(metadata);
            meta.putAll(more);
            meta.put(MARK, "1");
            return Safetensors.write(tensors, meta);
        }
    }

    private static NDArray detached(NDArray v, NDManager scope) {
        NDArray copy = v.stopGradient().toType(DataType.FLOAT32, false);
        copy.attach(scope);
        return copy;
    }

    /** Reads a file written by {@link #toBytes}, onto a device, its weights in {@code type}. */
    public static VitShapleyModel load(String location, Device device, DataType type) {
        DjlRuntime.configure();
        byte[] bytes = Storage.readAll(location);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Safetensors.Contents read = Safetensors.read(bytes, manager, location);
            Map<String, NDArray> typed = new LinkedHashMap<>();
            read.tensors().forEach((k, v) -> typed.put(k, v.getDataType() == type ? v : v.toType(type, false)));
            Safetensors.Contents contents = new Safetensors.Contents(typed, read.metadata());
            if (!"1".equals(contents.metadata().get(MARK))) {
                throw new CheckpointException(
                        location + " is not a ViT Shapley explainer (bin/tokentm train-explainer " + "writes one)");
            }
            VitConfig config = TimmMetadata.toConfig(contents.metadata(), location);
            Map<String, NDArray> surrogate = new LinkedHashMap<>();
            Map<String, NDArray> explainer = new LinkedHashMap<>();
            Map<String, NDArray> head = new LinkedHashMap<>();
            contents.tensors().forEach((name, t) -> {
                if (name.startsWith("surrogate.")) {
                    surrogate.put(name.substring("surrogate.".length()), t);
                } else if (name.startsWith("explainer.")) {
                    explainer.put(name.substring("explainer.".length()), t);
                } else {
                    head.put(name, t);
                }
            });
            Map<String, String> facts = new LinkedHashMap<>(contents.metadata());
            TimmMetadata.fromConfig(config, null).keySet().forEach(facts::remove);
            return new VitShapleyModel(
                    VitParameters.of(config, surrogate),
                    VitParameters.of(config, explainer),
                    new ShapleyHead(config, head),
                    manager,
                    facts);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public void close() {
        surrogate.close();
        explainer.close();
        manager.close();
    }
}
