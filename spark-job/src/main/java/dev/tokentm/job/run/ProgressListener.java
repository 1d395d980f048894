package dev.tokentm.job.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The driver's progress line (images done / total, rate, ETA). Counts come from the tasks'
 * "images done" accumulator: running tasks report it with each executor heartbeat
 * ({@code spark.executor.heartbeatInterval}), finished tasks with their result, so the line moves
 * while long partitions are still running. A failed task attempt's count is dropped.
 */
public final class ProgressListener extends SparkListener {

    private final long accumulatorId;
    private final long total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    /** The shortest gap between two lines, so a burst of task ends prints once. */
    static final long MIN_GAP_NANOS = 2_000_000_000L;

    /** The longest silence: a line with an unchanged count after this long says the job is alive. */
    static final long MAX_SILENCE_NANOS = 60_000_000_000L;

    private long lastPrinted = Long.MIN_VALUE;
    private long lastDone = -1;

    public ProgressListener(long accumulatorId, long total, PrintStream out) {
        this.accumulatorId = accumulatorId;
        this.total = total;
        this.out = out;
    }

    /** Images finished so far, including those of running tasks as of their last heartbeat. */
    public long done() {
        long sum = finished.get();
        for (long v : running.values()) {
            sum += v;
        }
        return Math.min(sum, total);
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task :
                CollectionConverters.asJava(update.accumUpdates())) {
            Long value = ours(task._4());
            if (value != null) {
                running.put((Long) task._1(), value);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        long taskId = end.taskInfo().taskId();
        running.remove(taskId);
        if (end.taskInfo().successful()) {
            Long value = ours(end.taskInfo().accumulables());
            if (value != null) {
                finished.addAndGet(value);
            }
        }
        printIfDue();
    }

    private Long ours(scala.collection.Seq<AccumulableInfo> infos) {
        for (AccumulableInfo info : CollectionConverters.asJava(infos)) {
            if (info.id() == accumulatorId && info.update().isDefined()) {
                return ((Number) info.update().get()).longValue();
            }
        }
        return null;
    }

    /**
     * Prints the line when the count changed (at most every {@link #MIN_GAP_NANOS}), or after {@link
     * #MAX_SILENCE_NANOS} without a line; called by task ends and the job's ticker.
     */
    public synchronized void printIfDue() {
        long now = System.nanoTime();
        long done = done();
        if (due(done, lastDone, now, lastPrinted)) {
            lastPrinted = now;
            lastDone = done;
            out.println(line(now));
        }
    }

    /** The last line, when the last printed one did not already say it. */
    public synchronized void printFinal() {
        long now = System.nanoTime();
        long done = done();
        if (done != lastDone) {
            lastPrinted = now;
            lastDone = done;
            out.println(line(now));
        }
    }

    /** Whether a line is due: a new count after the minimum gap, or any count after the longest silence. */
    static boolean due(long done, long lastDone, long now, long lastPrinted) {
        if (lastPrinted == Long.MIN_VALUE) {
            return true;
        }
        long since = now - lastPrinted;
        return done != lastDone ? since >= MIN_GAP_NANOS : since >= MAX_SILENCE_NANOS;
    }

    String line(long now) {
        long done = done();
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? formatSeconds((total - done) / rate) : "-";
        return String.format(
                Locale.ROOT,
                "progress: %,d / %,d images (%.0f%%), %.1f images/s, ETA %s",
                done,
                total,
                total == 0 ? 100.0 : 100.0 * done / total,
                rate,
                eta);
    }

    private static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
