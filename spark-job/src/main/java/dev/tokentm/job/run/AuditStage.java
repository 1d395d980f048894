package dev.tokentm.job.run;

import dev.tokentm.job.audit.Audit;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.audit.ClassKey;
import dev.tokentm.job.audit.Finding;
import dev.tokentm.job.output.AuditSummary;
import dev.tokentm.job.output.AuditTables;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.spark.VitRegionTest;
import dev.tokentm.udfs.table.OutputColumn;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The audit as a stage of a run ({@code explain --audit}, {@code tokentm audit}): runs {@link Audit}
 * on every row of the output so far, writes its tables under {@code <output>/audit/} (rewritten each
 * time, like the metrics table, so a resumed run audits every image) and adds its section to the
 * summary. Prints the confirmed shortcuts.
 */
public final class AuditStage {

    public static final String STRATEGIES = "strategies";
    public static final String ASSIGNMENTS = "assignments";
    public static final String TESTS = "tests";
    public static final String WRONG_REASONS = "wrong_reasons";

    private AuditStage() {}

    /**
     * @param input the run's input (the causal tests read their images from it)
     * @param test the region test, with the run's model, batch size and seed
     */
    public static AuditSummary run(
            SparkSession spark,
            RunOutput output,
            Dataset<Row> input,
            VitRegionTest test,
            AuditSettings settings,
            List<String> classNames,
            PrintStream out) {
        Audit.Result result = Audit.run(
                spark,
                output.readImageFiles(),
                input,
                test,
                settings,
                classNames,
                new Audit.Sink() {
                    @Override
                    public Dataset<Row> assignments(Dataset<Row> assigned) {
                        return output.writeAudit(ASSIGNMENTS, assigned);
                    }

                    @Override
                    public String testImages() {
                        return output.audit(TESTS);
                    }
                },
                out);
        output.writeAudit(
                STRATEGIES,
                result.findings().stream()
                        .map(f -> OutputColumn.row(
                                AuditTables.STRATEGIES,
                                new AuditTables.Named(f, name(f.strategy().key(), classNames))))
                        .toList(),
                AuditTables.STRATEGIES_SCHEMA);
        output.writeAudit(
                WRONG_REASONS,
                result.wrongReasons().stream()
                        .map(c -> OutputColumn.row(AuditTables.WRONG_REASONS, c))
                        .toList(),
                AuditTables.WRONG_REASONS_SCHEMA);
        for (Finding f : result.confirmed()) {
            out.printf(
                    Locale.ROOT,
                    "tokentm: audit: confirmed shortcut, %s strategy %d (%d images, %.0f%% of the class): %s; "
                            + "removing it drops p by %.3f [%.3f, %.3f], %.3f more than elsewhere in the class%n",
                    f.strategy().key().describe(classNames),
                    f.strategy().index(),
                    f.strategy().images(),
                    100 * f.strategy().share(),
                    String.join("; ", f.reasons()),
                    f.test().drop(),
                    f.test().dropCi().low(),
                    f.test().dropCi().high(),
                    f.test().difference());
        }
        return AuditSummary.of(result, classNames);
    }

    private static String name(ClassKey key, List<String> classNames) {
        return key.label() < classNames.size() ? classNames.get(key.label()) : null;
    }

    /** The region test for a run's model: its checkpoint, classes, batch size, seed, and the audit's removal. */
    public static VitRegionTest regionTest(
            String model, String modelConfig, List<String> classNames, int batchSize, long seed, AuditSettings s) {
        return new VitRegionTest()
                .setModelUrl(model)
                .setModelConfigUrl(modelConfig)
                .setClassNames(classNames.toArray(new String[0]))
                .setBatchSize(batchSize)
                .setSeed(seed)
                .setRemoval(s.removal().label());
    }
}
