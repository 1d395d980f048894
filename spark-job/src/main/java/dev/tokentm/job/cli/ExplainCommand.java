package dev.tokentm.job.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The Spark job that explains a corpus and measures faithfulness. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain an image corpus with TokenTM and the baselines on Spark (not yet available).")
public final class ExplainCommand implements Callable<Integer> {

    /** Exit code of a command that exists but is not built yet. */
    static final int NOT_AVAILABLE = 3;

    @Override
    public Integer call() {
        System.err.println("tokentm explain: the Spark job is not yet available in this version. "
                + "Available now: 'tokentm bench-model' (model throughput).");
        return NOT_AVAILABLE;
    }
}
