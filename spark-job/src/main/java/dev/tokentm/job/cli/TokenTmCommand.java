package dev.tokentm.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code tokentm <command> [options]}. */
@Command(
        name = TokenTmCommand.NAME,
        mixinStandardHelpOptions = true,
        version = "tokentm-spark 0.1.0",
        description = "Faithful Vision Transformer explanations (TokenTM and baselines) at dataset scale on Spark.",
        subcommands = {
            ExplainCommand.class,
            AuditCommand.class,
            StudyCommand.class,
            ReportCommand.class,
            ColumnsCommand.class,
            MakeDataCommand.class,
            TrainCommand.class,
            TrainExplainerCommand.class,
            BenchModelCommand.class,
            BenchJobCommand.class,
            BenchSoakCommand.class,
            BenchProtocolsCommand.class,
            BenchRoadCommand.class,
            BenchGpuCommand.class,
            BenchAuditCommand.class,
            BenchVitShapleyCommand.class
        })
public final class TokenTmCommand implements Runnable {

    /** The program's name: its command and the prefix of its one-line messages. */
    static final String NAME = "tokentm";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        java.util.Optional<String> unsupported = JavaVersionCheck.current();
        if (unsupported.isPresent()) {
            System.err.println(NAME + ": " + unsupported.get());
            System.exit(1);
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with failures reported as one line naming the problem (the stack trace
     * only when {@code TOKENTM_DEBUG} is set), exit code 1.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new TokenTmCommand()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = oneLine(e);
            cmd.getErr()
                    .println(
                            cmd.getCommandName().equals(NAME)
                                    ? NAME + ": " + message
                                    : NAME + " " + cmd.getCommandName() + ": " + message);
            if (System.getenv("TOKENTM_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
    }

    /**
     * One line naming the problem: a tokentm exception anywhere in the chain speaks for itself (Spark
     * wraps a task's failure in "Job aborted due to stage failure: ..." with the task's stack trace);
     * otherwise the first line of the outermost message and of the root cause.
     */
    static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("dev.tokentm.") && t.getMessage() != null) {
                return firstLine(t);
            }
        }
        String message = firstLine(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root.getMessage() == null ? null : firstLine(root);
        return root == e || cause == null || message.contains(cause) ? message : message + ": " + cause;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }
}
