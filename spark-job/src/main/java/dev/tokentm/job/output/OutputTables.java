package dev.tokentm.job.output;

import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.RegionTestTable;
import dev.tokentm.udfs.table.SanityTable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output tables' reference, made from their column lists: what {@code tokentm columns} prints
 * and {@code docs/columns.md} holds (a test compares them).
 */
public final class OutputTables {

    private OutputTables() {}

    /** Each table's directory under the output root and its columns as a Markdown table. */
    public static Map<String, String> markdown() {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("images", OutputColumn.markdown(ImageTable.COLUMNS));
        tables.put("metrics", OutputColumn.markdown(MetricsTable.outputColumns()));
        tables.put("sanity", OutputColumn.markdown(SanityTable.COLUMNS));
        tables.put("audit/strategies", OutputColumn.markdown(AuditTables.STRATEGIES));
        tables.put("audit/assignments", OutputColumn.markdown(AuditTables.ASSIGNMENTS));
        tables.put("audit/tests", OutputColumn.markdown(RegionTestTable.COLUMNS));
        tables.put("audit/wrong_reasons", OutputColumn.markdown(AuditTables.WRONG_REASONS));
        return tables;
    }

    /** What each table holds, one line. */
    private static final Map<String, String> ABOUT = Map.of(
            "audit/strategies",
            "The audit (`audit`, `explain --audit`): one row per strategy of each class with enough images, confirmed"
                    + " shortcuts first; the causal test's columns are null for strategies that are not candidates."
                    + " Every audit table is rewritten by each audit from every row so far.",
            "audit/assignments",
            "One row per audited image and explained class: its pooled heatmap and strategy.",
            "audit/tests",
            "One row per image of a causal test: the class's probability with and without the region (only its"
                    + " pixels away from the object where there are masks), removed by ROAD or blurring.",
            "audit/wrong_reasons",
            "One row per class with masks: its correct predictions whose relevance lies mostly off the object.",
            "images",
            "One row per image, method and explained class, appended by every run; one row per failed image with"
                    + " only the identity columns and `error`.",
            "metrics",
            "One row per method and explained class, rewritten at the end of each run from every row so far. Each"
                    + " metric has its 95% bootstrap interval in `<name>_ci95`; columns of protocols that did not"
                    + " run are NaN.",
            "sanity",
            "One row per sampled image, method and explained class, rewritten by each run that has `sanity` among"
                    + " its protocols.");

    /** {@code docs/columns.md}: every table's columns with a line on what the table holds. */
    public static String document() {
        StringBuilder md = new StringBuilder("# Output columns\n\n"
                + "Every column of a run's Parquet tables, made from the code's column lists by `bin/tokentm columns"
                + " > docs/columns.md` (a test checks that this file is what it prints).\n");
        markdown().forEach((table, columns) -> md.append("\n## `<output>/")
                .append(table)
                .append("/`\n\n")
                .append(ABOUT.get(table))
                .append("\n\n")
                .append(columns));
        return md.toString();
    }
}
