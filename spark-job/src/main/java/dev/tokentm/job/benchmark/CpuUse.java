package dev.tokentm.job.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU seconds, read from the OS: this process's (all its threads, native ones included), its JIT
 * compiler threads' part of them, and the machine's seconds stolen by the hypervisor and left
 * idle (all CPUs summed); and the process's page faults. A benchmark on shared cores reads them
 * around what it times: wall-clock ratios are only as good as the share of the cores the process
 * got, and compiler threads take cores from the job's tasks while the JVM warms up.
 *
 * <p>The thread and machine counters come from Linux's {@code /proc} in clock ticks of
 * {@value #TICKS_PER_SECOND} per second (Linux's {@code USER_HZ} on every architecture it ships
 * for); elsewhere they are NaN.
 *
 * @param process this process's user and system CPU seconds
 * @param compiler the JIT compiler threads' CPU seconds
 * @param stolen seconds the hypervisor ran something else while this machine's CPUs wanted to run
 * @param idle seconds the machine's CPUs had nothing to run
 * @param pageFaults the process's minor page faults: pages the kernel mapped in on first touch, as
 *     for memory the C library took back from the kernel (each costs kernel CPU in the process)
 */
public record CpuUse(double process, double compiler, double stolen, double idle, double pageFaults) {

    static final double TICKS_PER_SECOND = 100;

    /** The totals now: since the process (compiler, process) or the machine (stolen, idle) started. */
    public static CpuUse now() {
        double process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
        double[] machine = machine();
        return new CpuUse(process, compilerTicks() / TICKS_PER_SECOND, machine[0], machine[1], faultCount());
    }

    /** What was used between {@code earlier} and this reading. */
    public CpuUse since(CpuUse earlier) {
        return new CpuUse(
                process - earlier.process,
                compiler - earlier.compiler,
                stolen - earlier.stolen,
                idle - earlier.idle,
                pageFaults - earlier.pageFaults);
    }

    /** Whether the OS gave the thread and machine counters. */
    public boolean detailed() {
        return !Double.isNaN(compiler) && !Double.isNaN(stolen) && !Double.isNaN(pageFaults);
    }

    /** The process's minor page faults: field 10 (minflt) of /proc/self/stat. */
    private static double faultCount() {
        try {
            return statField(Files.readString(Path.of("/proc/self/stat")), 10);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Field {@code number} of a /proc stat line, numbered as proc(5) numbers them; the name in
     * field 2 may hold spaces and parentheses, so fields 3 on are counted after its last ')'.
     */
    static long statField(String stat, int number) {
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[number - 3]);
    }

    /** HotSpot names its compiler threads "C1 CompilerThreadN" and "C2 CompilerThreadN" (cut to 15 characters). */
    private static double compilerTicks() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return Double.NaN;
        }
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    continue; // the thread ended since the listing
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += statField(stat, 14) + statField(stat, 15); // utime, stime
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return ticks;
    }

    /** {steal, idle} seconds from /proc/stat's "cpu" line: user nice system idle iowait irq softirq steal. */
    private static double[] machine() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            double idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            double steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new double[] {steal / TICKS_PER_SECOND, idle / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }
}
