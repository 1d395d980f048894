package dev.tokentm.job.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Spark's task metrics of the described jobs only: tasks spinning a known CPU time show it, and
 * the process's CPU over the job holds the tasks'.
 */
class TaskTimeTest {

    /**
     * Only the tasks of jobs with the description count, each with the time it ran and the CPU its
     * thread used: two of the four tasks sleep 100 ms, two spin until their thread has used 100 ms
     * of CPU, which the process's CPU from the job's start to its end holds.
     */
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
                        if (x % 2 == 0) {
                            Thread.sleep(100);
                        } else {
                            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                            long until = threads.getCurrentThreadCpuTime() + 100_000_000L;
                            while (threads.getCurrentThreadCpuTime() < until) {
                                Thread.onSpinWait();
                            }
                        }
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
            double cpu = time.cpuSeconds();
            assertTrue(cpu >= 0.2 && cpu <= seconds, "tasks that spun 2 x 100 ms of CPU used " + cpu + " s");
            // The process's CPU over the described job holds its tasks' (to the 10 ms ticks of /proc).
            assertTrue(time.cpu().process() + 0.01 >= cpu, time.cpu() + " for tasks' " + cpu + " s");
        } finally {
            spark.stop();
        }
    }
}
