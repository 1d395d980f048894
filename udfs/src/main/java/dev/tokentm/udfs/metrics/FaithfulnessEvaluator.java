package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.VisionTransformer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an executor does with one batch: explain it with every method (one shared trace), then draw
 * the chosen protocols' perturbation curves ({@link PerturbationPlan}) and, where a mask exists, run
 * the segmentation test, per image; for every target mode, reusing identical work ({@link
 * FurtherTarget}).
 */
public final class FaithfulnessEvaluator {

    private final PerturbationPlan plan;

    /** Zero removal only (the published perturbation test) and segmentation. */
    public FaithfulnessEvaluator(PerturbationProtocol perturbation) {
        this(perturbation, EnumSet.of(Protocol.ZERO));
    }

    /**
     * @param protocols which removal protocols to run ({@link Protocol#SANITY} is not run per batch)
     */
    public FaithfulnessEvaluator(PerturbationProtocol perturbation, Set<Protocol> protocols) {
        this.plan = PerturbationPlan.of(protocols, perturbation);
    }

    /** One target mode; see {@link #evaluate(VisionTransformer, NDArray, List, List, List)}. */
    public List<ImageResult> evaluate(
            VisionTransformer model,
            NDArray rawImages,
            List<ImageFacts> images,
            List<Explainer> explainers,
            TargetMode mode) {
        return evaluate(model, rawImages, images, explainers, List.of(mode));
    }

    /**
     * Every target mode of a batch, without repeating identical model work: the first mode is
     * explained and tested in full, the others reuse it ({@link FurtherTarget}).
     *
     * @param rawImages un-normalized images in [0,1], {@code [B, C, H, W]} at the model's input size
     * @param images what is known of each image: label, mask, seed
     * @return per mode, per method (in the given order), per image
     */
    public List<ImageResult> evaluate(
            VisionTransformer model,
            NDArray rawImages,
            List<ImageFacts> images,
            List<Explainer> explainers,
            List<TargetMode> modes) {
        long batch = rawImages.getShape().get(0);
        if (images.size() != batch) {
            throw new IllegalArgumentException(
                    batch + " images need one ImageFacts each (label, mask, seed), got " + images.size());
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no target mode to explain");
        }
        try (NDManager scope = rawImages.getManager().newSubManager()) {
            NDArray raw = rawImages.toType(DataType.FLOAT32, true); // a copy, so work lands in this scope
            raw.attach(scope);
            EvaluatedBatch first = EvaluatedBatch.of(model, raw, images, explainers, modes.get(0), plan);
            List<ImageResult> results = new ArrayList<>(first.results(modes.get(0), images, plan));
            for (TargetMode mode : modes.subList(1, modes.size())) {
                results.addAll(FurtherTarget.results(model, raw, images, explainers, mode, plan, first));
            }
            return results;
        }
    }
}
