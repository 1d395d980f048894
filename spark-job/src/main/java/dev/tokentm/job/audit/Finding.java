package dev.tokentm.job.audit;

import java.util.List;

/**
 * A strategy with what the audit concluded about it.
 *
 * @param strategy the strategy
 * @param reasons why it is a shortcut candidate; empty when it is not one
 * @param test its causal test; null when it is not a candidate
 */
public record Finding(Strategy strategy, List<String> reasons, CausalTest.Result test) {

    public boolean candidate() {
        return !reasons.isEmpty();
    }

    /** A shortcut the causal test confirmed. */
    public boolean confirmed() {
        return test != null && test.confirmed();
    }
}
