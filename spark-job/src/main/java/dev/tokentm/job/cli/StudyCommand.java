package dev.tokentm.job.cli;

import ai.djl.Device;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.job.study.StudySection;
import dev.tokentm.job.study.StudyTable;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The TokenTM study: the explain job on the paper's ablations and every reading of {@code
 * docs/tokentm.md} ({@link StudySection}), with the attention baselines, then one table with
 * confidence intervals and paired differences to {@code tokentm}, printed and written to {@code
 * <output>/study.md}.
 */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = InitialValues.class,
        description = {
            "Run TokenTM's ablations (the paper's Tables 6 and 7) and readings next to the baselines on any corpus, "
                    + "and write one table with 95%% bootstrap intervals and paired differences to tokentm "
                    + "(<output>/study.md). Every option of explain applies; --methods names the baselines."
        })
public final class StudyCommand extends JobCommand {

    @Option(
            names = "--sections",
            split = ",",
            description = "Study sections, comma-separated, of: table6 (without L, NECC, aggregation), table6-scaled "
                    + "(the same with necc=scaled), table7 (last k layers), readings; '' for none (then --methods "
                    + "alone, with tokentm). Default: ${DEFAULT-VALUE}.")
    List<String> sections = new ArrayList<>(
            Arrays.stream(StudySection.values()).map(StudySection::label).toList());

    private int depth;

    /** The explain command's defaults, with the study's: the paper's baselines, zeroing and ROAD, the predicted class. */
    public StudyCommand() {
        super(
                ExplainSettings.defaults()
                        .with(baselines(), List.of(TargetMode.PREDICTED), EnumSet.of(Protocol.ZERO, Protocol.ROAD)),
                OUTPUT);
    }

    /** Where the study writes unless told otherwise. */
    static final String OUTPUT = "tokentm-study";

    /** The paper's attention and gradient baselines: the default methods but TokenTM. */
    static List<String> baselines() {
        List<String> b = new ArrayList<>(ExplainSettings.defaults().methods());
        b.remove(ExplainerRegistry.REFERENCE);
        return b;
    }

    @Override
    protected String name() {
        return "study";
    }

    @Override
    protected VitExplainer choose(VitExplainer explainer) {
        List<StudySection> chosen = StudySection.parseAll(sections);
        DjlRuntime.configure();
        depth = ExecutorModels.get(explainer.settings(), Device.cpu())
                .model()
                .config()
                .depth();
        List<String> baselines =
                explain.methods().stream().map(ExplainerRegistry::canonical).toList();
        List<String> methods = StudySection.methods(chosen, baselines, depth);
        System.out.println("tokentm study: " + methods.size() + " methods: " + String.join(", ", methods));
        explainer.setMethods(methods.toArray(new String[0]));
        explainer.settings(); // checks the study's specs against the model
        return explainer;
    }

    @Override
    protected void finish(RunOutput output, ExplainJob.Result result) {
        String table = StudyTable.markdown(result.metrics(), result.comparisons(), depth);
        output.writeStudy(table);
        System.out.print(table);
        System.out.println("study: " + output.study());
    }
}
