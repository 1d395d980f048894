package dev.tokentm.job.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which strategies are shortcut candidates: those whose relevance sits consistently in a fixed
 * region of the frame that the rest of the class does not use, or off the object more than the
 * class's does (a thin object, a sandal, puts much of every map off its mask). A candidate is a
 * suspicion; the {@link CausalTest} decides.
 */
public final class ShortcutRule {

    private ShortcutRule() {}

    /** Why a strategy is a candidate, one phrase per reason; empty when it is not one. */
    public static List<String> reasons(Strategy s, AuditSettings settings) {
        List<String> reasons = new ArrayList<>();
        if (s.regionArea() <= settings.regionArea() && s.regionLift() >= settings.regionLift()) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "%.0f%% of its relevance on %.0f%% of the frame, %.1fx the class's share there",
                    100 * s.regionShare(),
                    100 * s.regionArea(),
                    s.regionLift()));
        }
        if (s.outside() > settings.offObject() && s.outside() >= s.classOutside() + settings.offObjectMargin()) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "%.0f%% of its relevance off the object (the class: %.0f%%)",
                    100 * s.outside(),
                    100 * s.classOutside()));
        }
        return reasons;
    }
}
