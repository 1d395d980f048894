package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.VisionTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * A further target mode of a batch, reusing the first mode's model work wherever it would be the
 * same: an image whose class is the same (the prediction equals the label) takes the first mode's
 * heatmaps and curves, and a {@link Explainer#classIndependent class-independent} method's curves are
 * read again for the new class from the same perturbation passes. Only class-dependent methods on
 * images whose class differs are explained and tested again.
 */
final class FurtherTarget {

    private FurtherTarget() {}

    /** The mode's results, per method, per image. */
    static List<ImageResult> results(
            VisionTransformer model,
            NDArray raw,
            List<ImageFacts> images,
            List<Explainer> explainers,
            TargetMode mode,
            PerturbationPlan plan,
            EvaluatedBatch first) {
        int batch = images.size();
        int[] classes = new int[batch];
        List<Integer> differing = new ArrayList<>();
        int[] slot = new int[batch]; // image b's position in the re-explained sub-batch, -1 when reused
        for (int b = 0; b < batch; b++) {
            int label = images.get(b).label();
            classes[b] = mode == TargetMode.LABEL && label >= 0 ? label : first.predicted()[b];
            slot[b] = classes[b] != first.explained()[b] ? differing.size() : -1;
            if (slot[b] >= 0) {
                differing.add(b);
            }
        }
        List<Explainer> dependent =
                explainers.stream().filter(e -> !e.classIndependent()).toList();
        EvaluatedBatch fresh = null;
        if (!differing.isEmpty() && !dependent.isEmpty()) {
            NDArray sub = NDArrays.concat(
                    new NDList(differing.stream()
                            .map(b -> raw.get(b + ":" + (b + 1)))
                            .toList()),
                    0);
            fresh = EvaluatedBatch.of(
                    model, sub, differing.stream().map(images::get).toList(), dependent, mode, plan);
        }
        List<ImageResult> results = new ArrayList<>();
        int redoneRuns = 0;
        for (int e = 0; e < explainers.size(); e++) {
            long start = System.nanoTime();
            MethodRun reused = first.runs().get(e);
            MethodRun redone = fresh == null || explainers.get(e).classIndependent()
                    ? null
                    : fresh.runs().get(redoneRuns++); // fresh runs are the dependent methods, in order
            List<ImageResult> rows = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                int label = images.get(b).label();
                rows.add(
                        slot[b] >= 0 && redone != null
                                ? redone.result(slot[b], b, mode, classes[b], label, first, plan, 0)
                                : reused.result(b, b, mode, classes[b], label, first, plan, 0));
            }
            double spent =
                    (System.nanoTime() - start) / 1e9 + (redone == null ? 0 : redone.seconds() * differing.size());
            for (ImageResult r : rows) {
                results.add(r.withSeconds(spent / batch));
            }
        }
        return results;
    }
}
