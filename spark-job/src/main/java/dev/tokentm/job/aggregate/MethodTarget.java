package dev.tokentm.job.aggregate;

import dev.tokentm.udfs.metrics.TargetMode;
import java.util.Comparator;
import java.util.Objects;

/**
 * What the dataset tables are keyed by: a method (its canonical spec) and the class it explained.
 */
public record MethodTarget(String method, TargetMode target) implements Comparable<MethodTarget> {

    /** The metrics table's order: by method, then target. */
    private static final Comparator<MethodTarget> ORDER = Comparator.comparing(MethodTarget::method)
            .thenComparing(k -> k.target().label());

    public MethodTarget {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
    }

    /** From the tables' columns, the target by its label. */
    public static MethodTarget of(String method, String target) {
        return new MethodTarget(method, TargetMode.parse(target));
    }

    @Override
    public int compareTo(MethodTarget other) {
        return ORDER.compare(this, other);
    }
}
