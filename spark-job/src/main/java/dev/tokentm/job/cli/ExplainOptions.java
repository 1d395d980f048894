package dev.tokentm.job.cli;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.MethodSpec;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What to explain and measure: {@code --methods}, {@code --targets}, {@code --batch-size}, {@code
 * --protocols}, {@code --seed} (a picocli mixin). Each command gives its defaults as an {@link
 * ExplainSettings}; {@code explain}'s are the transformer's own, {@link ExplainSettings#defaults()}.
 */
public final class ExplainOptions {

    @Option(
            names = "--methods",
            split = MethodSpec.LIST_SEPARATOR,
            completionCandidates = MethodNames.class,
            description = "Explainers, comma-separated, of: ${COMPLETION-CANDIDATES}; parameters in parentheses, "
                    + "e.g. 'gae,integrated-gradients(steps=16)'. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(
            names = "--targets",
            split = ",",
            description = "Explained class: predicted and/or label (one row each). Default: ${DEFAULT-VALUE}.")
    List<String> targets;

    @Option(names = "--batch-size", description = "Images per forward/backward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--protocols",
            split = ",",
            completionCandidates = ProtocolNames.class,
            description = "Faithfulness protocols, comma-separated, of: ${COMPLETION-CANDIDATES} (segmentation runs "
                    + "wherever masks are). Default: ${DEFAULT-VALUE}.")
    List<String> protocols;

    @Option(
            names = "--seed",
            description = "Seed of every random draw (ROAD's noise, the sanity checks, the bootstrap). Default: "
                    + "${DEFAULT-VALUE}.")
    long seed;

    /** The transformer with these options set. */
    public VitExplainer applyTo(VitExplainer explainer) {
        return explainer
                .setMethods(methods.toArray(new String[0]))
                .setTargets(targets.toArray(new String[0]))
                .setBatchSize(batchSize)
                .setProtocols(protocols.stream().filter(p -> !p.isBlank()).toArray(String[]::new)) // '': none
                .setSeed(seed);
    }

    /** The transformer's defaults. */
    public ExplainOptions() {
        this(ExplainSettings.defaults());
    }

    /** These settings' values as the defaults. */
    public ExplainOptions(ExplainSettings defaults) {
        methods = new ArrayList<>(defaults.methods());
        targets = new ArrayList<>(
                defaults.targets().stream().map(TargetMode::label).toList());
        batchSize = defaults.batchSize();
        protocols = new ArrayList<>(Protocol.labels(defaults.protocols()));
        seed = defaults.seed();
    }

    public long seed() {
        return seed;
    }

    public List<String> methods() {
        return methods;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The registered method names, for the help text. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ExplainerRegistry.names().iterator();
        }
    }

    /** The protocol names, for the help text. */
    static final class ProtocolNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Protocol.values()).map(Protocol::label).iterator();
        }
    }
}
