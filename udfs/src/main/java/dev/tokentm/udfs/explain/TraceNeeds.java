package dev.tokentm.udfs.explain;

import dev.tokentm.udfs.model.TracePoint;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The trace points an explainer reads from the shared trace: values, and gradients of the
 * target class scores. A context serving several explainers records the union, so it pays only
 * for what someone reads.
 */
public record TraceNeeds(Set<TracePoint> values, Set<TracePoint> gradients) {

    public TraceNeeds {
        values = Collections.unmodifiableSet(copy(values));
        gradients = Collections.unmodifiableSet(copy(gradients));
    }

    /** Reads nothing from the shared trace. */
    public static TraceNeeds none() {
        return new TraceNeeds(Set.of(), Set.of());
    }

    /** Everything: all values and all gradients. */
    public static TraceNeeds all() {
        return new TraceNeeds(EnumSet.allOf(TracePoint.class), EnumSet.allOf(TracePoint.class));
    }

    /** These values, no gradients. */
    public static TraceNeeds values(TracePoint first, TracePoint... rest) {
        return new TraceNeeds(EnumSet.of(first, rest), Set.of());
    }

    /** This with gradients at {@code points} too. */
    public TraceNeeds withGradients(TracePoint first, TracePoint... rest) {
        EnumSet<TracePoint> g = copy(gradients);
        g.addAll(EnumSet.of(first, rest));
        return new TraceNeeds(values, g);
    }

    /** What either needs. */
    public TraceNeeds union(TraceNeeds other) {
        EnumSet<TracePoint> v = copy(values);
        v.addAll(other.values);
        EnumSet<TracePoint> g = copy(gradients);
        g.addAll(other.gradients);
        return new TraceNeeds(v, g);
    }

    private static EnumSet<TracePoint> copy(Set<TracePoint> points) {
        EnumSet<TracePoint> copy = EnumSet.noneOf(TracePoint.class);
        copy.addAll(points);
        return copy;
    }
}
