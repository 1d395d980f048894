package dev.tokentm.job.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** {@code --master}, shared by the commands that run Spark (a picocli mixin). */
public final class SparkOptions {

    /** The master when the command is not launched by spark-submit. */
    public static final String LOCAL = "local[*]";

    @Option(names = "--master", description = "Spark master when not launched by spark-submit. Default: " + LOCAL + ".")
    String master;

    /** spark-submit's session, or one on {@code --master} (default local mode). */
    public SparkSession open(String appName) {
        return SparkSessions.open(appName, master != null ? master : LOCAL);
    }

    public String master() {
        return master != null ? master : LOCAL;
    }
}
