package dev.tokentm.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code tokentm <command> [options]}. */
@Command(
        name = "tokentm",
        mixinStandardHelpOptions = true,
        version = "tokentm-spark 0.1.0",
        description = "Faithful Vision Transformer explanations (TokenTM and baselines) at dataset scale on Spark.",
        subcommands = {
            ExplainCommand.class,
            ReportCommand.class,
            ColumnsCommand.class,
            MakeDataCommand.class,
            TrainCommand.class,
            BenchModelCommand.class,
            BenchJobCommand.class
        })
public final class TokenTmCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with failures reported as one line naming the problem (the stack trace
     * only when {@code TOKENTM_DEBUG} is set), exit code 1.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new TokenTmCommand()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message =
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
                message += ": " + root.getMessage(); // Spark wraps the cause that names the problem
            }
            cmd.getErr()
                    .println(
                            cmd.getCommandName().equals("tokentm")
                                    ? "tokentm: " + message
                                    : "tokentm " + cmd.getCommandName() + ": " + message);
            if (System.getenv("TOKENTM_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
    }
}
