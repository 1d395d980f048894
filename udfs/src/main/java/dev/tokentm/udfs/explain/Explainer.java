package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;

/**
 * One explanation method: a heatmap over the patch grid per image, for each image's target
 * class. Implementations are immutable; their options live in one config record.
 */
public interface Explainer {

    /** The name used on the command line and in outputs ({@code tokentm}, {@code rollout}, ...). */
    String name();

    /**
     * Whether the heatmaps are over the input's pixels ({@code [B, H, W]}) rather than the patch grid
     * ({@code [B, grid, grid]}); metrics upsample only patch maps.
     */
    default boolean pixelResolution() {
        return false;
    }

    /**
     * Whether the heatmaps are the same whatever class is explained (attention-only methods): then
     * one heatmap, and one set of perturbation passes, serves every target of an image.
     */
    default boolean classIndependent() {
        return false;
    }

    /**
     * Refuses, in one line, a model this method cannot explain as configured: one without a classifier
     * when the method explains a class, or one without the block or head it names. The driver calls it
     * before Spark starts; methods with checks of their own call this one too.
     */
    default void checkModel(VitConfig config) {
        if (!config.hasClassifier() && !classIndependent()) {
            throw new IllegalArgumentException("method '" + name() + "' explains a class and the model has no "
                    + "classifier (a backbone such as DINO's); the methods that need none: "
                    + String.join(", ", ExplainerRegistry.classIndependent()));
        }
    }

    /** What this method reads from the context's shared trace. */
    TraceRequest needs();

    /**
     * Heatmaps for the context's batch, {@code [B, grid, grid]} (row-major patch grid) or {@code [B,
     * H, W]} for {@link #pixelResolution() pixel-resolution} methods, on the model's device, owned by
     * the context's manager.
     */
    NDArray explain(ExplainContext context);

    /**
     * The one-call form, like Captum's {@code attribute(inputs, target)}.
     *
     * @param images normalized images {@code [B, C, H, W]}
     * @param targets the class explained per image
     * @return heatmaps {@code [B, grid, grid]} or {@code [B, H, W]}, owned by the images' manager
     */
    default NDArray explain(VisionTransformer model, NDArray images, TargetClasses targets) {
        try (ExplainContext context = new ExplainContext(model, images, targets, java.util.List.of(this))) {
            NDArray heatmaps = explain(context);
            heatmaps.attach(images.getManager());
            return heatmaps;
        }
    }
}
