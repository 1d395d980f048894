package dev.tokentm.udfs.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link VisionTransformer#trace} records.
 *
 * @param points the block tensors whose values to keep
 * @param gradientPoints the block tensors whose gradients to keep (only points on the logits'
 *     path have one); each costs a probe in the forward pass and a copy in the backward pass
 * @param targets whose class score to differentiate, one class per image; null for no gradients
 * @param conservative gradients treat attention probabilities and LayerNorm scales as constants
 *     (Ali et al., ICML 2022); values are unaffected
 */
public record TraceRequest(
        Set<TracePoint> points, Set<TracePoint> gradientPoints, TargetClasses targets, boolean conservative) {

    public TraceRequest {
        points = copy(Objects.requireNonNull(points, "points"));
        gradientPoints = copy(Objects.requireNonNull(gradientPoints, "gradientPoints"));
        if (targets == null && !gradientPoints.isEmpty()) {
            throw new IllegalArgumentException("gradients at " + gradientPoints + " need target classes");
        }
    }

    private static Set<TracePoint> copy(Set<TracePoint> points) {
        EnumSet<TracePoint> copy = EnumSet.noneOf(TracePoint.class);
        copy.addAll(points);
        return Collections.unmodifiableSet(copy);
    }

    /** Every point, no gradients. */
    public static TraceRequest values() {
        return new TraceRequest(EnumSet.allOf(TracePoint.class), EnumSet.noneOf(TracePoint.class), null, false);
    }

    /** Every point, with gradients of each image's target class score (its logit) at every point. */
    public static TraceRequest withGradients(TargetClasses targets) {
        return of(EnumSet.allOf(TracePoint.class), EnumSet.allOf(TracePoint.class), targets);
    }

    /** The given values and gradients of each image's target class score. */
    public static TraceRequest of(Set<TracePoint> points, Set<TracePoint> gradientPoints, TargetClasses targets) {
        return new TraceRequest(points, gradientPoints, Objects.requireNonNull(targets, "targets"), false);
    }

    /** Values and gradients at {@code points}, under the conservative rules of Ali et al. (2022). */
    public static TraceRequest conservative(Set<TracePoint> points, TargetClasses targets) {
        return new TraceRequest(points, points, Objects.requireNonNull(targets, "targets"), true);
    }

    /** Whether gradients are asked for. */
    public boolean gradients() {
        return targets != null;
    }
}
