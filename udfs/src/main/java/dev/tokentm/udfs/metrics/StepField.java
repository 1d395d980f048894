package dev.tokentm.udfs.metrics;

import java.util.List;
import java.util.function.Function;

/**
 * One value a {@link PerturbationCurve} has at every step, as the per-image table stores it: a
 * curve's column is {@code <curve prefix>_<field name>}.
 */
public enum StepField {
    CORRECT("correct", true, "the top class is the label", PerturbationCurve::correct),
    TOP_PROBABILITY("top_probability", false, "the top class's probability", PerturbationCurve::topProbability),
    TOP_LOGIT("top_logit", false, "the top class's logit", PerturbationCurve::topLogit),
    EXPLAINED_LOG_PROBABILITY(
            "explained_log_probability",
            false,
            "the explained class's log-probability",
            PerturbationCurve::explainedLogProbability),
    EXPLAINED_LOGIT("explained_logit", false, "the explained class's logit", PerturbationCurve::explainedLogit),
    LABEL_LOG_ODDS(
            "label_log_odds", false, "log(p_label / p_second), NaN without a label", PerturbationCurve::labelLogOdds),
    EXPLAINED_PROBABILITY(
            "explained_probability",
            false,
            "the explained class's probability",
            PerturbationCurve::explainedProbability);

    /** What the published perturbation test records per step (Chefer et al.'s {@code pertubation_eval_from_hdf5.py}). */
    public static final List<StepField> PUBLISHED_TEST =
            List.of(CORRECT, TOP_PROBABILITY, TOP_LOGIT, EXPLAINED_LOG_PROBABILITY, EXPLAINED_LOGIT, LABEL_LOG_ODDS);

    private final String name;
    private final boolean flag;
    private final String doc;
    private final Function<PerturbationCurve, Object> values;

    StepField(String name, boolean flag, String doc, Function<PerturbationCurve, Object> values) {
        this.name = name;
        this.flag = flag;
        this.doc = doc;
        this.values = values;
    }

    /** The column name's suffix. */
    public String fieldName() {
        return name;
    }

    /** True for per-step booleans ({@code boolean[]}), false for per-step floats ({@code float[]}). */
    public boolean flag() {
        return flag;
    }

    /** What the value at a step means, one phrase. */
    public String doc() {
        return doc;
    }

    /** The curve's values: a {@code boolean[]} or {@code float[]} with one entry per step. */
    public Object of(PerturbationCurve curve) {
        return values.apply(curve);
    }
}
