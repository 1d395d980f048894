package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.ClassScore;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One batch being explained by one or more methods. The trace with gradients of the target
 * classes is computed once, on first use, and shared by every method that reads it, so running
 * several gradient-based explainers costs one forward and one backward pass. Methods that
 * differentiate another class score ({@link ClassScore}) share a second trace of their own.
 */
public final class ExplainContext implements AutoCloseable {

    private final VisionTransformer model;
    private final NDArray images;
    private final TargetClasses targetClasses;
    private final Map<ClassScore, TraceRequest> needs;
    private final NDManager manager;
    private final Map<ClassScore, VitTrace> traces = new EnumMap<>(ClassScore.class);
    private VitTrace valuesTrace;
    private VitTrace float64Trace;
    private final Map<String, double[]> standardErrors = new HashMap<>();
    private final Map<String, int[]> predictions = new HashMap<>();

    /**
     * A context whose shared traces record everything, for any explainer.
     *
     * @param images normalized images {@code [B, C, H, W]}; not modified, not closed
     * @param targets the class explained per image (see {@link TargetClasses})
     */
    public ExplainContext(VisionTransformer model, NDArray images, TargetClasses targets) {
        this(
                model,
                images,
                targets,
                java.util.Arrays.stream(ClassScore.values())
                        .map(TraceRequest.everything()::differentiating)
                        .toList());
    }

    /** A context whose shared traces record what {@code explainers} read, and nothing more. */
    public ExplainContext(
            VisionTransformer model,
            NDArray images,
            TargetClasses targets,
            Collection<? extends Explainer> explainers) {
        this(model, images, targets, explainers.stream().map(Explainer::needs).toList());
    }

    private ExplainContext(
            VisionTransformer model, NDArray images, TargetClasses targets, List<TraceRequest> requests) {
        this.model = Objects.requireNonNull(model, "model");
        this.images = Objects.requireNonNull(images, "images");
        this.targetClasses = Objects.requireNonNull(targets, "targets");
        this.needs = byScore(requests);
        this.manager = images.getManager().newSubManager(model.device());
    }

    /**
     * One request per class score: the gradients each score's methods read, and every value any
     * method reads (so whichever trace runs first serves the methods that need no gradients).
     */
    private static Map<ClassScore, TraceRequest> byScore(List<TraceRequest> requests) {
        TraceRequest values = TraceRequest.none();
        for (TraceRequest r : requests) {
            values = values.union(r.valuesOnly());
        }
        Map<ClassScore, TraceRequest> byScore = new EnumMap<>(ClassScore.class);
        for (ClassScore score : ClassScore.values()) {
            byScore.put(score, values.differentiating(score));
        }
        for (TraceRequest r : requests) {
            byScore.merge(r.score(), r, TraceRequest::union);
        }
        return byScore;
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
        return trace(ClassScore.LOGIT);
    }

    /** The shared trace whose gradients are those of each image's target class {@code score}. */
    public VitTrace trace(ClassScore score) {
        VitTrace t = traces.get(score);
        if (t == null) {
            t = model.trace(images, needs.get(score).forTargets(targetClasses()));
            traces.put(score, t);
        }
        return t;
    }

    /**
     * A values-only trace of the model's float64 copy ({@link VisionTransformer#float64()}) for the
     * same images and target classes, computed once: for methods whose rules are ill-conditioned in
     * the forward pass's rounding.
     */
    public VitTrace float64Trace() {
        if (float64Trace == null) {
            VisionTransformer wide = model.float64();
            NDArray wideImages = images.toType(DataType.FLOAT64, true);
            wideImages.attach(manager);
            float64Trace = wide.trace(
                    wideImages, needs.get(ClassScore.LOGIT).valuesOnly().forTargets(TargetClasses.of(targets())));
        }
        return float64Trace;
    }

    /**
     * A trace with every point's values, for methods that need no gradients: a shared trace if
     * one exists, else a forward-only trace (computed once).
     */
    public VitTrace valuesTrace() {
        VitTrace any = anyTrace();
        if (any != null) {
            return any;
        }
        if (valuesTrace == null) {
            valuesTrace = model.trace(images, needs.get(ClassScore.LOGIT).valuesOnly());
        }
        return valuesTrace;
    }

    /** The batch's logits, {@code [B, classes]}, from whichever trace exists (else the first). */
    public NDArray logits() {
        VitTrace any = anyTrace();
        return (any != null ? any : trace(primaryScore())).logits();
    }

    /** The class explained for each image (resolved by the first trace's forward pass). */
    public int[] targets() {
        VitTrace any = anyTrace();
        return (any != null ? any : trace(primaryScore())).targets();
    }

    /** The score whose trace runs first: the logit's, unless only another score's gradients are read. */
    private ClassScore primaryScore() {
        for (ClassScore score : ClassScore.values()) {
            if (!needs.get(score).gradientPoints().isEmpty()) {
                return score;
            }
        }
        return ClassScore.LOGIT;
    }

    /**
     * The targets for a method that runs its own pass: the shared trace's resolved classes when
     * one exists, else the selector itself, which that pass resolves on the same logits.
     */
    public TargetClasses targetClasses() {
        return traces.isEmpty() ? targetClasses : TargetClasses.of(targets());
    }

    private VitTrace anyTrace() {
        return traces.isEmpty() ? null : traces.values().iterator().next();
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

    /** Records the top class per image of the changed model a method ran (EViT's pruned model). */
    public void putPredictions(String method, int[] perImage) {
        predictions.put(method, perImage.clone());
    }

    /** What {@link #putPredictions} recorded for a method, or null for a method that ran the model unchanged. */
    public int[] predictions(String method) {
        int[] p = predictions.get(method);
        return p == null ? null : p.clone();
    }

    @Override
    public void close() {
        traces.values().forEach(VitTrace::close);
        if (float64Trace != null) {
            float64Trace.close();
        }
        if (valuesTrace != null) {
            valuesTrace.close();
        }
        manager.close();
    }
}
