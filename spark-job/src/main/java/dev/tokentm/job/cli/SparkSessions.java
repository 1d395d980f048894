package dev.tokentm.job.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command: spark-submit's when launched by it, else local mode on this
 * machine with Spark's console progress bar and INFO logging turned off (the job prints its own
 * progress line).
 */
public final class SparkSessions {

    private SparkSessions() {}

    /**
     * @param localMaster the master when not under spark-submit, e.g. {@code local[*]}
     */
    public static SparkSession open(String appName, String localMaster) {
        boolean local = !new SparkConf().contains("spark.master");
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (local) {
            builder.master(localMaster)
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", "8");
        }
        SparkSession spark = builder.getOrCreate();
        if (local) {
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }
}
