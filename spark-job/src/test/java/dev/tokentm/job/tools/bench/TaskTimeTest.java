package dev.tokentm.job.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TaskTimeTest {

    /** Only the tasks of jobs with the description count, each with the time it ran. */
    @Test
    void sumsTheRunTimeOfTheDescribedJobsTasks() throws Exception {
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("TaskTimeTest")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try (TaskTime time = TaskTime.register(spark.sparkContext(), "bench: timed")) {
            JavaSparkContext context = new JavaSparkContext(spark.sparkContext());
            context.parallelize(List.of(1, 2, 3), 3).count(); // not described: not counted
            spark.sparkContext().setJobDescription("bench: timed run");
            long sum = context.parallelize(List.of(1, 2, 3, 4), 4)
                    .map(x -> {
                        Thread.sleep(100);
                        return x;
                    })
                    .reduce(Integer::sum);
            spark.sparkContext().setJobDescription("another job");
            context.parallelize(List.of(1, 2), 2).count();
            spark.sparkContext().setJobDescription(null);
            double seconds = time.seconds();
            assertEquals(10, sum);
            assertEquals(4, time.tasks());
            assertTrue(seconds >= 0.4 && seconds < 4, "4 tasks of 100 ms ran " + seconds + " s");
        } finally {
            spark.stop();
        }
    }
}
