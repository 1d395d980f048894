package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.metrics.PerturbationProtocol;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.model.VitConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a partition needs to explain images, shipped to executors with the task.
 *
 * @param model checkpoint location (local, {@code hdfs://}, {@code s3a://}, {@code classpath:});
 *     the embedded model when null
 * @param modelConfig sidecar architecture JSON, or null to read it from the checkpoint
 * @param classNames class names overriding the checkpoint's, or null
 * @param methods method specs ({@link ExplainerRegistry#get}), kept in their canonical spelling
 * @param targets which classes to explain: the prediction, the label, or both (one row each)
 * @param batchSize images per forward/backward pass
 * @param threads PyTorch threads per task; 0 uses the task's Spark CPUs ({@code spark.task.cpus})
 * @param limits the largest file and image accepted
 * @param protocols the faithfulness protocols to run (the segmentation test runs wherever a mask is)
 * @param perturbation the perturbation test's steps (every curve's fractions) and its pass size
 * @param seed the seed of every random draw (ROAD's noise, the sanity checks' sample and models,
 *     the bootstrap), mixed with the image's id so results do not depend on batching
 */
public record ExplainSettings(
        String model,
        String modelConfig,
        List<String> classNames,
        List<String> methods,
        List<TargetMode> targets,
        int batchSize,
        int threads,
        ImageLimits limits,
        Set<Protocol> protocols,
        PerturbationProtocol perturbation,
        long seed)
        implements Serializable {

    public ExplainSettings {
        methods = canonical(methods);
        targets = List.copyOf(targets);
        classNames = classNames == null ? null : List.copyOf(classNames);
        protocols = protocols.isEmpty() ? EnumSet.noneOf(Protocol.class) : EnumSet.copyOf(protocols);
        Objects.requireNonNull(perturbation, "perturbation");
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("name at least one method; known: " + ExplainerRegistry.names());
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("name at least one target mode (predicted, label)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /**
     * Refuses, in one line, settings the model cannot run: on a model without a classifier (a backbone
     * such as DINO's) nothing can be explained or perturbed for a class, so it takes the methods that
     * need none, no perturbation protocol and one target; then each method's own check ({@link
     * dev.tokentm.udfs.explain.Explainer#checkModel}).
     */
    public void checkModel(VitConfig config) {
        checkClassifier(config);
        methods.forEach(m -> ExplainerRegistry.get(m).checkModel(config));
    }

    /**
     * The first half of {@link #checkModel}: what a model without a classifier cannot run. Executors
     * check only this (each method checks its own needs when it runs, against the copy it runs).
     */
    public void checkClassifier(VitConfig config) {
        if (!config.hasClassifier()) {
            List<String> fixes = new ArrayList<>();
            List<String> needClass = methods.stream()
                    .filter(m -> !ExplainerRegistry.get(m).classIndependent())
                    .toList();
            if (!needClass.isEmpty()) {
                fixes.add("--methods among " + String.join(",", ExplainerRegistry.classIndependent()) + " (not "
                        + String.join(",", needClass) + ")");
            }
            if (!protocols.isEmpty()) {
                fixes.add("--protocols '' (not " + String.join(",", Protocol.labels(protocols))
                        + "; the segmentation test against masks still runs)");
            }
            if (!targets.equals(List.of(TargetMode.PREDICTED))) {
                fixes.add("--targets predicted");
            }
            if (!fixes.isEmpty()) {
                throw new IllegalArgumentException("the model has no classifier (a backbone such as DINO's), so "
                        + "nothing can be explained or perturbed for a class: run it with " + String.join(" ", fixes));
            }
        }
    }

    /**
     * The defaults of the transformer and the command line: the embedded model, TokenTM and its
     * paper's baselines ({@link ExplainerRegistry#defaults()}), the
     * predicted class and the label, batch 16, the task's CPUs, {@link ImageLimits#defaults()}, the
     * protocols of {@link #DEFAULT_PROTOCOLS} at the published steps, seed 0.
     */
    public static ExplainSettings defaults() {
        return new ExplainSettings(
                null,
                null,
                null,
                ExplainerRegistry.defaults(),
                List.of(TargetMode.PREDICTED, TargetMode.LABEL),
                16,
                0,
                ImageLimits.defaults(),
                DEFAULT_PROTOCOLS,
                PerturbationProtocol.published(),
                0);
    }

    /**
     * The protocols a run measures unless told otherwise: zeroing (the published test, with RISE's
     * deletion and SRG) and the sanity checks. ROAD and blurring are options: ROAD's imputation costs
     * several times the model's passes on the embedded model, which would take the demo past 10
     * minutes (docs/decisions.md).
     */
    public static final Set<Protocol> DEFAULT_PROTOCOLS = EnumSet.of(Protocol.ZERO, Protocol.SANITY);

    /** Each spec in its canonical spelling; a bad spec fails naming the method and parameter. */
    private static List<String> canonical(List<String> specs) {
        List<String> names = specs.stream().map(ExplainerRegistry::canonical).toList();
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw new IllegalArgumentException("method '" + names.get(i) + "' is named twice");
            }
        }
        return names;
    }

    /** The same settings explaining other methods for other classes with other protocols. */
    public ExplainSettings with(
            List<String> otherMethods, List<TargetMode> otherTargets, Set<Protocol> otherProtocols) {
        return new ExplainSettings(
                model,
                modelConfig,
                classNames,
                otherMethods,
                otherTargets,
                batchSize,
                threads,
                limits,
                otherProtocols,
                perturbation,
                seed);
    }

    /** The same settings with other protocols. */
    public ExplainSettings withProtocols(Set<Protocol> other) {
        return new ExplainSettings(
                model,
                modelConfig,
                classNames,
                methods,
                targets,
                batchSize,
                threads,
                limits,
                other,
                perturbation,
                seed);
    }

    /** The perturbation steps from 0 (unperturbed), as every row's MoRF and LeRF curves have them. */
    public double[] fractions() {
        double[] steps = perturbation.fractions();
        double[] fractions = new double[steps.length + 1];
        System.arraycopy(steps, 0, fractions, 1, steps.length);
        return fractions;
    }

    /** The checkpoint location actually loaded. */
    public String modelLocation() {
        return model == null ? EmbeddedModel.LOCATION : model;
    }
}
