package dev.tokentm.job.cli;

import dev.tokentm.job.output.OutputTables;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the output tables' columns, as the README's "Output" section shows them. */
@Command(
        name = "columns",
        mixinStandardHelpOptions = true,
        description = "Print every output column (name, Spark type, meaning) of images/ and metrics/ as Markdown.")
public final class ColumnsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (String table : OutputTables.markdown().keySet()) {
            System.out.println(OutputTables.readmeBlock(table));
            System.out.println();
        }
        return 0;
    }
}
