package dev.tokentm.job.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which strategies are shortcut candidates. With object masks: those whose images put more of their
 * relevance off the object than the rest of the class does, by {@link AuditSettings#offObjectMargin()}
 * (a mark in a corner, a background the class's images share); the share itself is no test, a thin
 * object (a sandal) puts much of every map off its mask. Without masks: those whose relevance sits in a
 * small fixed region of the frame that the rest of the class does not use, which may also be the
 * object placed alike in those images (the prototypes show which). A candidate is a suspicion; the
 * {@link CausalTest} decides.
 */
public final class ShortcutRule {

    private ShortcutRule() {}

    /** Why a strategy is a candidate, one phrase per reason; empty when it is not one. */
    public static List<String> reasons(Strategy s, AuditSettings settings) {
        boolean masks = !Double.isNaN(s.outside());
        boolean offObject = masks && s.outside() >= s.othersOutside() + settings.offObjectMargin();
        boolean fixed = s.regionArea() <= settings.regionArea() && s.regionLift() >= settings.regionLift();
        List<String> reasons = new ArrayList<>();
        if (offObject) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "%.0f%% of its relevance off the object (the rest of the class: %.0f%%)",
                    100 * s.outside(),
                    100 * s.othersOutside()));
        }
        if (fixed && (offObject || !masks)) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "%.0f%% of its relevance on %.0f%% of the frame, %.1fx the rest of the class's share there",
                    100 * s.regionShare(),
                    100 * s.regionArea(),
                    s.regionLift()));
        }
        return reasons;
    }
}
