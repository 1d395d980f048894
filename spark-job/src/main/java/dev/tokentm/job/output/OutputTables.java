package dev.tokentm.job.output;

import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SanityTable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output tables' documentation, made from their column lists: what {@code tokentm columns}
 * prints and what the README's "Output" section must show (a test compares them).
 */
public final class OutputTables {

    private OutputTables() {}

    /** Each table's directory under the output root and its columns as a Markdown table. */
    public static Map<String, String> markdown() {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("images", OutputColumn.markdown(ImageTable.COLUMNS));
        tables.put("metrics", OutputColumn.markdown(MetricsTable.outputColumns()));
        tables.put("sanity", OutputColumn.markdown(SanityTable.COLUMNS));
        return tables;
    }

    /** The README block of one table: the Markdown between its begin and end markers. */
    public static String readmeBlock(String table) {
        return begin(table) + "\n" + markdown().get(table) + END;
    }

    public static String begin(String table) {
        return "<!-- columns: " + table + " (made by `bin/tokentm columns`; a test checks it) -->";
    }

    public static final String END = "<!-- /columns -->";
}
