package dev.tokentm.udfs.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The perturbation passes that draw the {@link Curve}s of a set of protocols at a protocol's steps:
 * curves that differ only in how far they run (the positive curve and RISE's deletion) share one
 * pass to the farther end and are read off it, so each distinct perturbation runs once.
 *
 * @param runs each distinct perturbation with the curves read off it
 * @param test the perturbation test whose steps the curves are drawn at
 */
public record PerturbationPlan(List<Run> runs, PerturbationProtocol test) {

    /**
     * One perturbation the model runs and the curves read off its steps.
     *
     * @param curves in declaration order; a curve that stops at the last step reads the first steps
     */
    public record Run(Perturbation perturbation, List<Curve> curves) {
        public Run {
            curves = List.copyOf(curves);
        }
    }

    public PerturbationPlan {
        runs = List.copyOf(runs);
    }

    /** The plan for these protocols' curves at the test's steps. */
    public static PerturbationPlan of(Set<Protocol> protocols, PerturbationProtocol test) {
        Map<List<Object>, List<Curve>> byPass = new LinkedHashMap<>();
        for (Curve c : Curve.of(protocols)) {
            byPass.computeIfAbsent(
                            List.of(c.protocol(), c.order(), c.perturbation().reveal()), k -> new ArrayList<>())
                    .add(c);
        }
        List<Run> runs = new ArrayList<>();
        for (List<Curve> curves : byPass.values()) {
            Perturbation p = curves.get(0).perturbation();
            boolean toEnd = curves.stream().anyMatch(Curve::toEnd);
            runs.add(new Run(new Perturbation(p.order(), p.removal(), p.reveal(), toEnd), curves));
        }
        return new PerturbationPlan(runs, test);
    }

    /** Whether no curve is drawn. */
    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /**
     * Forward passes per image, method and target: every step of every run but those that leave the
     * image whole (the unperturbed image's pass is shared).
     */
    public int forwardsPerImage() {
        double[] fractions = test.fractions();
        int passes = 0;
        for (Run run : runs) {
            double whole = run.perturbation().reveal() ? 1 : 0;
            for (double f : run.perturbation().steps(fractions)) {
                if (f != whole) {
                    passes++;
                }
            }
        }
        return passes;
    }

    /** A curve of {@code run} read off the run's pass: the whole pass, or its first steps for a curve that stops earlier. */
    PerturbationCurve read(Curve curve, PerturbationCurve pass) {
        int length = curve.perturbation().steps(test.fractions()).length;
        return length == pass.fractions().length ? pass : pass.first(length);
    }
}
