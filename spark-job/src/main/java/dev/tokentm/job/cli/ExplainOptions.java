package dev.tokentm.job.cli;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.run.SanityStage;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.MethodSpec;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * What to explain and measure: {@code --methods}, {@code --targets}, {@code --batch-size}, {@code
 * --protocols}, {@code --seed} (a picocli mixin). The defaults come from the command's {@link Defaults}, by default {@link
 * ExplainSettings#defaults()}, the transformer's own.
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

    public long seed() {
        return seed;
    }

    public List<String> methods() {
        return methods;
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

    /** Default values of these options from an {@link ExplainSettings}. */
    public static class Defaults implements IDefaultValueProvider {

        private final ExplainSettings settings;

        public Defaults() {
            this(ExplainSettings.defaults());
        }

        protected Defaults(ExplainSettings settings) {
            this.settings = settings;
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (!(argSpec instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--methods" -> String.join(",", settings.methods());
                case "--targets" ->
                    String.join(
                            ",", settings.targets().stream().map(t -> t.label()).toList());
                case "--batch-size" -> String.valueOf(settings.batchSize());
                case "--threads" -> String.valueOf(settings.threads());
                case "--max-megapixels" -> String.valueOf(settings.limits().maxPixels() / 1_000_000L);
                case "--protocols" -> String.join(",", Protocol.labels(settings.protocols()));
                case "--seed" -> String.valueOf(settings.seed());
                case "--output" -> dev.tokentm.job.output.RunOutput.DEFAULT_LOCATION;
                case "--bootstrap" -> String.valueOf(Bootstrap.defaults().replicates());
                case "--sanity-images" -> String.valueOf(SanityStage.DEFAULT_IMAGES);
                default -> null;
            };
        }
    }
}
