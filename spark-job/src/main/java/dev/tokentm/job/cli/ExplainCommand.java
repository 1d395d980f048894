package dev.tokentm.job.cli;

import picocli.CommandLine.Command;

/** The Spark job that explains a corpus and measures faithfulness. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = ExplainOptions.Defaults.class,
        description = {
            "Explain an image corpus with TokenTM and the baselines on Spark, measure faithfulness "
                    + "(perturbation and segmentation tests), write Parquet and print the dataset table.",
            "Run it with spark-submit on a cluster, or directly (Spark local mode). Re-running with the same "
                    + "--output resumes."
        })
public final class ExplainCommand extends JobCommand {

    /** Set by bin/tokentm: the committed sample, explained when no --input is given. */
    static final String SAMPLE_PROPERTY = "tokentm.sample";

    @Override
    protected String name() {
        return "explain";
    }
}
