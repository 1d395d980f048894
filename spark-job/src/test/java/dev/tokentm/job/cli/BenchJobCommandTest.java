package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench-job} on 32 images after an 8-image warm-up job counts TokenTM's 1 forward+backward
 * and 19 forwards per image, splits the job's core time into non-negative parts and its CPU into
 * nested parts (the process's holds the tasks', which hold the model's calls'), and prints its
 * page faults per image and the malloc setting.
 */
class BenchJobCommandTest {

    /**
     * A small run end to end: the warm-up job, the timed job's counted passes (TokenTM's one shared
     * forward+backward; the zeroing test's 19 forwards per image, 9 steps in each order and
     * deletion's all-zero image) and a core-time split whose parts are each non-negative: the tasks
     * counted hold every model call, and no task outside the timed job is counted. Its CPU nests the
     * same way: the process's holds the tasks' threads', which hold the model's calls'; its page
     * faults are counted per image, with glibc's malloc tuned as every executor tunes it.
     */
    @Test
    void timesAWarmJobAndSplitsItsCoreTime() {
        SampleCommand run = SampleCommand.run(
                "bench-job",
                "--master",
                "local[2]",
                "--images",
                "32",
                "--warm-up-images",
                "8",
                "--rounds",
                "1",
                "--seconds",
                "0.05");
        String out = run.out();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("warm-up job, untimed: 8 images"), out);
        assertTrue(out.contains("whole job (local[2], 32 images, methods tokentm"), out);
        assertTrue(out.contains("1.00 forward+backward + 19.00 forwards"), out);
        Matcher split = Pattern.compile(
                        "core time ([0-9.]+) s .*inside the model's calls ([0-9.]+) s .*in tasks outside"
                                + " them (-?[0-9.]+) s .*no task running (-?[0-9.]+) s")
                .matcher(out);
        assertTrue(split.find(), out);
        double core = Double.parseDouble(split.group(1));
        double inside = Double.parseDouble(split.group(2));
        double outside = Double.parseDouble(split.group(3));
        double idle = Double.parseDouble(split.group(4));
        assertTrue(inside > 0 && outside >= 0 && idle >= 0, out);
        assertEquals(core, inside + outside + idle, 0.15, out);
        Matcher cpu = Pattern.compile(
                        "CPU from its first Spark job's start to its last one's end: this process ([0-9.]+) s \\(Spark's tasks ([0-9.]+) s, ([0-9.]+) s"
                                + " of it inside the model's calls; the JIT compiler ([0-9.]+) s")
                .matcher(out);
        if (cpu.find()) { // Linux: the compiler threads' CPU comes from /proc
            double process = Double.parseDouble(cpu.group(1));
            double tasks = Double.parseDouble(cpu.group(2));
            double model = Double.parseDouble(cpu.group(3));
            double compiler = Double.parseDouble(cpu.group(4));
            assertTrue(model > 0 && tasks >= model && process + 0.05 >= tasks + compiler, out);
            assertTrue(out.contains("its model work at the bare CPU cost"), out);
            assertTrue(out.contains("native memory: glibc malloc keeps freed memory"), out);
            Matcher faults = Pattern.compile("page faults: the job ([0-9]+) \\(([0-9.]+) per image\\)")
                    .matcher(out);
            assertTrue(faults.find(), out);
            double perImage = Double.parseDouble(faults.group(1)) / 32;
            assertEquals(perImage, Double.parseDouble(faults.group(2)), 0.05 + 1e-9, out); // printed to 0.1
        } else {
            assertTrue(!System.getProperty("os.name").startsWith("Linux"), out);
        }
    }
}
