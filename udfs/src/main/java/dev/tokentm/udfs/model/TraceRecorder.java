package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;

/**
 * The hook behind {@link VisionTransformer#trace}: keeps a detached copy of each requested tensor
 * and, for gradients, adds a zero-valued probe that requires a gradient to every tensor on the
 * logits' path. After the backward pass the probe's gradient is the gradient at that tensor.
 */
final class TraceRecorder implements ForwardHook {

    private final NDManager manager;
    private final Set<TracePoint> points;
    private final Set<TracePoint> gradientPoints;
    private final List<EnumMap<TracePoint, NDArray>> values = new ArrayList<>();
    private final List<EnumMap<TracePoint, NDArray>> probes = new ArrayList<>();

    TraceRecorder(NDManager manager, TraceRequest request, int depth) {
        this.manager = manager;
        this.points = request.points();
        this.gradientPoints = request.gradients() ? request.gradientPoints() : Set.of();
        for (int i = 0; i < depth; i++) {
            values.add(new EnumMap<>(TracePoint.class));
            probes.add(new EnumMap<>(TracePoint.class));
        }
    }

    @Override
    public boolean wants(TracePoint point) {
        return points.contains(point) || gradientPoints.contains(point);
    }

    @Override
    public NDArray onTensor(int block, TracePoint point, NDArray value) {
        if (points.contains(point)) {
            NDArray kept = value.stopGradient();
            kept.attach(manager);
            values.get(block).put(point, kept);
        }
        if (!gradientPoints.contains(point) || !point.onLogitPath()) {
            return value;
        }
        NDArray probe = manager.zeros(value.getShape(), value.getDataType(), value.getDevice());
        probe.setRequiresGradient(true);
        probes.get(block).put(point, probe);
        return value.add(probe);
    }

    /** The recorded blocks, reading probe gradients; call after the backward pass. */
    List<BlockTrace> blocks() {
        List<BlockTrace> blocks = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            EnumMap<TracePoint, NDArray> grads = new EnumMap<>(TracePoint.class);
            for (var e : probes.get(i).entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(manager);
                grads.put(e.getKey(), g);
            }
            blocks.add(new BlockTrace(i, values.get(i), grads));
        }
        return blocks;
    }
}
