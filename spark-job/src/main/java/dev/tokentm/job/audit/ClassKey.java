package dev.tokentm.job.audit;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One audited class: the explained class of a target's heatmaps ({@code predicted}: the images the
 * model assigns to it; {@code label}: the images labelled with it).
 */
public record ClassKey(String target, int label) implements Serializable, Comparable<ClassKey> {

    private static final Comparator<ClassKey> ORDER =
            Comparator.comparing(ClassKey::target).reversed().thenComparingInt(ClassKey::label);

    @Override
    public int compareTo(ClassKey o) {
        return ORDER.compare(this, o);
    }

    /** As a user reads it: {@code predicted bag}. */
    public String describe(java.util.List<String> classNames) {
        return target + " " + (label < classNames.size() ? classNames.get(label) : String.valueOf(label));
    }
}
