package dev.tokentm.job.benchmark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Time Spark's tasks ran (each task's executor run time, summed) in the jobs whose description
 * starts with a given text, while it is registered: with those jobs' wall time and cores, it splits
 * their core time into time in tasks and time with a core free (query planning, stages' start and
 * end, the last tasks' tail). It also reads the process's CPU ({@link CpuUse}) when the first of those
 * jobs starts and when each ends, so their CPU leaves out what the driver does before and after.
 */
public final class TaskTime extends SparkListener implements AutoCloseable {

    /** The local property {@code SparkContext.setJobDescription} sets. */
    private static final String JOB_DESCRIPTION = "spark.job.description";

    private final SparkContext context;
    private final String description;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final Set<Integer> jobs = ConcurrentHashMap.newKeySet();
    private volatile CpuUse firstStart;
    private volatile CpuUse lastEnd;
    private final LongAdder runMillis = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder tasks = new LongAdder();

    private TaskTime(SparkContext context, String description) {
        this.context = context;
        this.description = description;
    }

    /** Starts counting the tasks, ending from now on, of jobs whose description starts with {@code description}. */
    public static TaskTime register(SparkContext context, String description) {
        TaskTime time = new TaskTime(context, description);
        context.addSparkListener(time);
        return time;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String jobDescription =
                start.properties() == null ? null : start.properties().getProperty(JOB_DESCRIPTION);
        if (jobDescription != null && jobDescription.startsWith(description)) {
            if (firstStart == null) {
                firstStart = CpuUse.now();
            }
            jobs.add(start.jobId());
            for (Object stage : CollectionConverters.asJava(start.stageIds())) {
                stages.add((Integer) stage);
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        if (jobs.contains(end.jobId())) {
            lastEnd = CpuUse.now();
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (stages.contains(end.stageId())) {
            if (end.taskMetrics() != null) {
                runMillis.add(end.taskMetrics().executorRunTime());
                cpuNanos.add(end.taskMetrics().executorCpuTime());
            }
            tasks.increment();
        }
    }

    /** Seconds of all tasks that ended so far; waits until the events already posted are delivered. */
    public double seconds() throws TimeoutException {
        context.listenerBus().waitUntilEmpty(10_000);
        return runMillis.sum() / 1e3;
    }

    /** CPU seconds of the tasks' threads in all tasks that ended so far (call after {@link #seconds}). */
    public double cpuSeconds() {
        return cpuNanos.sum() / 1e9;
    }

    /**
     * The process's CPU from the first described job's start to the last one's end so far (call
     * after {@link #seconds}); null before one ended. Read as the listener bus delivers the events,
     * milliseconds after they happen.
     */
    public CpuUse cpu() {
        return lastEnd == null ? null : lastEnd.since(firstStart);
    }

    /** Tasks that ended so far (call after {@link #seconds}). */
    public long tasks() {
        return tasks.sum();
    }

    @Override
    public void close() {
        context.removeSparkListener(this);
    }
}
