package dev.tokentm.udfs.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link VisionTransformer#trace} records.
 *
 * @param points the block tensors to keep
 * @param targets whose class score to differentiate, one class per image; null for no gradients
 */
public record TraceRequest(Set<TracePoint> points, TargetClasses targets) {

    public TraceRequest {
        Objects.requireNonNull(points, "points");
        EnumSet<TracePoint> copy = EnumSet.noneOf(TracePoint.class);
        copy.addAll(points);
        points = Collections.unmodifiableSet(copy);
    }

    /** Every point, no gradients. */
    public static TraceRequest values() {
        return new TraceRequest(EnumSet.allOf(TracePoint.class), null);
    }

    /** Every point, with gradients of each image's target class score (its logit). */
    public static TraceRequest withGradients(TargetClasses targets) {
        return new TraceRequest(EnumSet.allOf(TracePoint.class), Objects.requireNonNull(targets, "targets"));
    }

    /** Whether gradients are asked for. */
    public boolean gradients() {
        return targets != null;
    }
}
