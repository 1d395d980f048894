package dev.tokentm.udfs.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link VisionTransformer#trace} records. Explainers declare what they read as a request
 * without targets ({@link #reading}, {@link #andGradientsAt}); a context serving several explainers
 * records their {@link #union}, for each image's target class ({@link #forTargets}), so it pays only
 * for what someone reads.
 *
 * @param points the block tensors whose values to keep
 * @param gradientPoints the block tensors whose gradients to keep (only points on the logits' path
 *     have one); each costs a probe in the forward pass and a copy in the backward pass
 * @param targets whose class score to differentiate, one class per image; null for none (then
 *     {@link VisionTransformer#trace} records no gradients and refuses gradient points)
 * @param rules how the backward pass crosses LayerNorm, GELU and attention (ordinary gradients, or an
 *     LRP's rules); values are unaffected
 * @param score what of the target class is differentiated: its logit or its softmax probability
 */
public record TraceRequest(
        Set<TracePoint> points,
        Set<TracePoint> gradientPoints,
        TargetClasses targets,
        GradientRules rules,
        ClassScore score) {

    public TraceRequest {
        points = copy(Objects.requireNonNull(points, "points"));
        gradientPoints = copy(Objects.requireNonNull(gradientPoints, "gradientPoints"));
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(score, "score");
    }

    private TraceRequest(Set<TracePoint> points, Set<TracePoint> gradientPoints, TargetClasses targets) {
        this(points, gradientPoints, targets, GradientRules.GRADIENT, ClassScore.LOGIT);
    }

    /** Nothing. */
    public static TraceRequest none() {
        return new TraceRequest(Set.of(), Set.of(), null);
    }

    /** Every point's value and gradient, for targets still to be given ({@link #forTargets}). */
    public static TraceRequest everything() {
        return new TraceRequest(EnumSet.allOf(TracePoint.class), EnumSet.allOf(TracePoint.class), null);
    }

    /** These points' values, no gradients. */
    public static TraceRequest reading(TracePoint first, TracePoint... rest) {
        return new TraceRequest(EnumSet.of(first, rest), Set.of(), null);
    }

    /** Every point's value, no gradients. */
    public static TraceRequest values() {
        return new TraceRequest(EnumSet.allOf(TracePoint.class), Set.of(), null);
    }

    /** Every point, with gradients of each image's target class score (its logit) at every point. */
    public static TraceRequest withGradients(TargetClasses targets) {
        return everything().forTargets(targets);
    }

    /** The given values and gradients of each image's target class score. */
    public static TraceRequest of(Set<TracePoint> points, Set<TracePoint> gradientPoints, TargetClasses targets) {
        return new TraceRequest(points, gradientPoints, Objects.requireNonNull(targets, "targets"));
    }

    /** Values and gradients at {@code points}, from a backward pass under {@code rules}. */
    public static TraceRequest under(GradientRules rules, Set<TracePoint> points, TargetClasses targets) {
        return new TraceRequest(points, points, Objects.requireNonNull(targets, "targets"), rules, ClassScore.LOGIT);
    }

    /** This with gradients at {@code points} too. */
    public TraceRequest andGradientsAt(TracePoint first, TracePoint... rest) {
        EnumSet<TracePoint> g = EnumSet.of(first, rest);
        g.addAll(gradientPoints);
        return new TraceRequest(points, g, targets, rules, score);
    }

    /** This request with gradients of {@code s} instead. */
    public TraceRequest differentiating(ClassScore s) {
        return new TraceRequest(points, gradientPoints, targets, rules, s);
    }

    /** What either records (this one's targets, rules and score). */
    public TraceRequest union(TraceRequest other) {
        EnumSet<TracePoint> v = EnumSet.noneOf(TracePoint.class);
        v.addAll(points);
        v.addAll(other.points);
        EnumSet<TracePoint> g = EnumSet.noneOf(TracePoint.class);
        g.addAll(gradientPoints);
        g.addAll(other.gradientPoints);
        return new TraceRequest(v, g, targets, rules, score);
    }

    /** This request for these target classes. */
    public TraceRequest forTargets(TargetClasses classes) {
        return new TraceRequest(points, gradientPoints, Objects.requireNonNull(classes, "targets"), rules, score);
    }

    /** This request's values alone: no gradients, no targets. */
    public TraceRequest valuesOnly() {
        return new TraceRequest(points, Set.of(), null, GradientRules.GRADIENT, ClassScore.LOGIT);
    }

    /** Whether target classes are given (and so gradients recorded). */
    public boolean gradients() {
        return targets != null;
    }

    private static Set<TracePoint> copy(Set<TracePoint> points) {
        EnumSet<TracePoint> copy = EnumSet.noneOf(TracePoint.class);
        copy.addAll(points);
        return Collections.unmodifiableSet(copy);
    }
}
