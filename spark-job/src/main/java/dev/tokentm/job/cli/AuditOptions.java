package dev.tokentm.job.cli;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.udfs.metrics.Protocol;
import picocli.CommandLine.Option;

/** The audit's options, shared by {@code audit} and {@code explain --audit} (a picocli mixin). */
public final class AuditOptions {

    private static final AuditSettings DEFAULTS = AuditSettings.defaults(Bootstrap.defaults());

    @Option(
            names = "--audit-method",
            description =
                    "Whose heatmaps the audit clusters: a method spec the output holds. Default: ${DEFAULT-VALUE}.")
    String method = DEFAULTS.method();

    @Option(
            names = "--audit-removal",
            description = "What replaces a region in the causal tests: road or blur. Default: ${DEFAULT-VALUE}.")
    String removal = DEFAULTS.removal().label();

    @Option(
            names = "--audit-grid",
            description = "Heatmaps are pooled to this many cells a side. Default: ${DEFAULT-VALUE}.")
    int grid = DEFAULTS.grid();

    @Option(
            names = "--audit-test-images",
            description = "Images of a strategy, and as many controls, in its causal test. Default: ${DEFAULT-VALUE}.")
    int testImages = DEFAULTS.testImages();

    @Option(
            names = "--audit-min-images",
            description = "Classes with fewer audited images are not clustered. Default: ${DEFAULT-VALUE}.")
    int minImages = DEFAULTS.minImages();

    /**
     * The settings, with this bootstrap (whose seed also seeds the audit's samples); a bootstrap of no
     * replicates (a run's {@code --bootstrap 0}) gets the default number, since without intervals no
     * causal test could confirm anything.
     */
    AuditSettings settings(Bootstrap run) {
        Bootstrap bootstrap =
                run.replicates() > 0 ? run : new Bootstrap(Bootstrap.defaults().replicates(), run.seed());
        AuditSettings d = AuditSettings.defaults(bootstrap);
        return new AuditSettings(
                method,
                grid,
                d.clustering(),
                d.fitImages(),
                minImages,
                d.regionShare(),
                d.regionArea(),
                d.regionLift(),
                d.offObject(),
                d.offObjectMargin(),
                testImages,
                Protocol.parse(removal),
                d.prototypes(),
                bootstrap);
    }
}
