package dev.tokentm.udfs.metrics;

/**
 * Which class a heatmap explains. The published protocols evaluate both, as separate runs: the
 * model's prediction, and the true label (an image without a label is then explained for its
 * prediction; its row's explained class says so).
 */
public enum TargetMode {
    PREDICTED,
    LABEL;

    /** Lower-case name for outputs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A mode by its name in any case, failing in one line with the names there are. */
    public static TargetMode parse(String name) {
        for (TargetMode m : values()) {
            if (m.label().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown target '" + name + "'; use predicted or label");
    }
}
