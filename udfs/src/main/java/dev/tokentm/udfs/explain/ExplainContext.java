package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import java.util.Collection;
import java.util.Objects;

/**
 * One batch being explained by one or more methods. The trace with gradients of the target
 * classes is computed once, on first use, and shared by every method that reads it, so running
 * several gradient-based explainers costs one forward and one backward pass.
 */
public final class ExplainContext implements AutoCloseable {

    private final VisionTransformer model;
    private final NDArray images;
    private final TargetClasses targetClasses;
    private final TraceRequest needs;
    private final NDManager manager;
    private VitTrace trace;
    private VitTrace valuesTrace;
    private final java.util.Map<String, double[]> standardErrors = new java.util.HashMap<>();

    /**
     * A context whose shared trace records everything, for any explainer.
     *
     * @param images normalized images {@code [B, C, H, W]}; not modified, not closed
     * @param targets the class explained per image (see {@link TargetClasses})
     */
    public ExplainContext(VisionTransformer model, NDArray images, TargetClasses targets) {
        this(model, images, targets, TraceRequest.everything());
    }

    /** A context whose shared trace records what {@code explainers} read, and nothing more. */
    public ExplainContext(
            VisionTransformer model,
            NDArray images,
            TargetClasses targets,
            Collection<? extends Explainer> explainers) {
        this(
                model,
                images,
                targets,
                explainers.stream().map(Explainer::needs).reduce(TraceRequest.none(), TraceRequest::union));
    }

    private ExplainContext(VisionTransformer model, NDArray images, TargetClasses targets, TraceRequest needs) {
        this.model = Objects.requireNonNull(model, "model");
        this.images = Objects.requireNonNull(images, "images");
        this.targetClasses = Objects.requireNonNull(targets, "targets");
        this.needs = needs;
        this.manager = images.getManager().newSubManager(model.device());
    }

    public VisionTransformer model() {
        return model;
    }

    public VitConfig config() {
        return model.config();
    }

    public NDArray images() {
        return images;
    }

    /** Where explainers allocate their results; closed with this context. */
    public NDManager manager() {
        return manager;
    }

    /** The shared trace: the needed values, and gradients of each image's target logit. */
    public VitTrace trace() {
        if (trace == null) {
            trace = model.trace(images, needs.forTargets(targetClasses));
        }
        return trace;
    }

    /**
     * A trace with every point's values, for methods that need no gradients: the shared trace if
     * it exists, else a forward-only trace (computed once).
     */
    public VitTrace valuesTrace() {
        if (trace != null) {
            return trace;
        }
        if (valuesTrace == null) {
            valuesTrace = model.trace(images, needs.valuesOnly());
        }
        return valuesTrace;
    }

    /** The class explained for each image (resolved by the shared trace's forward pass). */
    public int[] targets() {
        return trace().targets();
    }

    /**
     * The targets for a method that runs its own pass: the shared trace's resolved classes when
     * it exists, else the selector itself, which that pass resolves on the same logits.
     */
    public TargetClasses targetClasses() {
        return trace != null ? TargetClasses.of(trace.targets()) : targetClasses;
    }

    /**
     * Records a sampled method's stated error: per image, the largest standard error of its heatmap
     * values.
     */
    public void putStandardErrors(String method, double[] perImage) {
        standardErrors.put(method, perImage.clone());
    }

    /** What {@link #putStandardErrors} recorded for a method, or null for a method computed exactly. */
    public double[] standardErrors(String method) {
        double[] e = standardErrors.get(method);
        return e == null ? null : e.clone();
    }

    @Override
    public void close() {
        if (trace != null) {
            trace.close();
        }
        if (valuesTrace != null) {
            valuesTrace.close();
        }
        manager.close();
    }
}
