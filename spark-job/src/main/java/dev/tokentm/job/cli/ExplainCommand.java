package dev.tokentm.job.cli;

import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.spark.ExplainSettings;
import picocli.CommandLine.Command;

/** The Spark job that explains a corpus and measures faithfulness. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = InitialValues.class,
        description = {
            "Explain an image corpus with TokenTM and the baselines on Spark, measure faithfulness "
                    + "(perturbation and segmentation tests), write Parquet and print the dataset table.",
            "Run it with spark-submit on a cluster, or directly (Spark local mode). Re-running with the same "
                    + "--output resumes."
        })
public final class ExplainCommand extends JobCommand {

    public ExplainCommand() {
        super(ExplainSettings.defaults(), RunOutput.DEFAULT_LOCATION);
    }

    @Override
    protected String name() {
        return "explain";
    }
}
