package dev.tokentm.job.cli;

import dev.tokentm.job.output.OutputTables;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the output tables' columns, as {@code docs/columns.md} holds them. */
@Command(
        name = "columns",
        mixinStandardHelpOptions = true,
        description =
                "Print every output column (name, Spark type, meaning) of images/, metrics/ and sanity/ as Markdown.")
public final class ColumnsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(OutputTables.document());
        return 0;
    }
}
