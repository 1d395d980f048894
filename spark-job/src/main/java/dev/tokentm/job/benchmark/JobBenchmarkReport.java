package dev.tokentm.job.benchmark;

import static dev.tokentm.job.benchmark.BareRates.median;
import static dev.tokentm.job.benchmark.BareRates.pooled;
import static dev.tokentm.job.benchmark.BareRates.rates;

import dev.tokentm.job.benchmark.ConcurrentThroughput.Window;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.model.PassCount;
import dev.tokentm.udfs.runtime.NativeHeap;
import dev.tokentm.udfs.spark.ExplainSettings;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What {@link JobBenchmark} measured, in words: the job's rate, the bare rates, where the job's core
 * time and CPU went, its page faults, and its overhead over the model work it did.
 */
final class JobBenchmarkReport {

    private final JobBenchmark.Measurement m;
    private final ExplainSettings settings;
    private final String master;
    private final int rounds;

    JobBenchmarkReport(JobBenchmark.Measurement m, ExplainSettings settings, String master, int rounds) {
        this.m = m;
        this.settings = settings;
        this.master = master;
        this.rounds = rounds;
    }

    void print(PrintStream out) {
        ExplainJob.Result job = m.job();
        PassCount work = m.work();
        BareRates all = m.before().and(m.after());
        double fb = median(all.forwardBackward(), Window::imagesPerSecond);
        double f = median(all.forward(), Window::imagesPerSecond);
        double traces = (double) work.backward() / job.explained();
        double forwards = (double) (work.forward() - work.backward()) / job.explained();
        double modelSecondsPerImage = traces / fb + forwards / f;
        double jobRate = job.imagesPerSecond();
        out.printf(
                Locale.ROOT,
                "whole job (%s, %d images, methods %s, targets %s, batch %d, protocols %s): %.2f images/s (%.1f s)%n",
                master,
                job.explained(),
                String.join(",", settings.methods()),
                settings.targets(),
                settings.batchSize(),
                settings.protocols(),
                jobRate,
                job.seconds());
        out.printf(
                Locale.ROOT,
                "bare model, batch %d, %d callers x %d threads, median of %d windows before and after the job:"
                        + " forward+backward %.1f images/s (%s), forward %.1f images/s (%s)%n",
                settings.batchSize(),
                m.cores(),
                m.threads(),
                2 * rounds,
                fb,
                "before " + rates(m.before().forwardBackward()) + ", after "
                        + rates(m.after().forwardBackward()),
                f,
                "before " + rates(m.before().forward()) + ", after "
                        + rates(m.after().forward()));
        coreTime(out);
        CpuUse cpu = m.tasks().cpu();
        boolean detailed = cpu != null && cpu.detailed(); // Linux's /proc; null if no explaining job ended
        if (detailed) {
            cpu(out, cpu, all, traces, forwards);
        }
        out.printf(
                Locale.ROOT,
                "model work per image (counted): %.2f forward+backward + %.2f forwards = %.1f ms at the bare rates"
                        + " -> %.2f images/s; job overhead (job time / model time): %.2fx%n",
                traces,
                forwards,
                1e3 * modelSecondsPerImage,
                1 / modelSecondsPerImage,
                (1 / jobRate) / modelSecondsPerImage);
        if (detailed) {
            cpuOverhead(out, cpu, all, traces, forwards);
        }
    }

    /** The job's core time: inside the model's calls, in Spark's tasks outside them, no task running. */
    private void coreTime(PrintStream out) {
        ExplainJob.Result job = m.job();
        PassCount work = m.work();
        double taskSeconds = m.tasks().seconds();
        double coreSeconds = job.seconds() * m.cores();
        out.printf(
                Locale.ROOT,
                "core time %.1f s (%.1f s x %d cores): inside the model's calls %.1f s (%.0f%%), in tasks outside them"
                        + " %.1f s (%.0f%%), no task running %.1f s (%.0f%%)%n",
                coreSeconds,
                job.seconds(),
                m.cores(),
                work.seconds(),
                100 * work.seconds() / coreSeconds,
                taskSeconds - work.seconds(),
                100 * (taskSeconds - work.seconds()) / coreSeconds,
                coreSeconds - taskSeconds,
                100 * (coreSeconds - taskSeconds) / coreSeconds);
    }

    /** The process's CPU by part, the machine's stolen and idle CPU, and page faults against the bare model's. */
    private void cpu(PrintStream out, CpuUse cpu, BareRates all, double traces, double forwards) {
        out.printf(
                Locale.ROOT,
                "CPU from its first Spark job's start to its last one's end: this process %.1f s (Spark's tasks"
                        + " %.1f s, %.1f s of it inside the model's calls; the JIT compiler %.1f s; other threads"
                        + " %.1f s); the machine's CPUs: stolen by the hypervisor %.1f s, idle %.1f s%n",
                cpu.process(),
                m.tasks().cpuSeconds(),
                m.work().cpuSeconds(),
                cpu.compiler(),
                cpu.process() - m.tasks().cpuSeconds() - cpu.compiler(),
                cpu.stolen(),
                cpu.idle());
        double bareFaults = traces * pooled(all.forwardBackward(), w -> w.cpu().pageFaults())
                + forwards * pooled(all.forward(), w -> w.cpu().pageFaults());
        out.printf(
                Locale.ROOT,
                "page faults: the job %.0f (%.1f per image), the model work bare %.1f per image; native memory:"
                        + " %s%n",
                cpu.pageFaults(),
                cpu.pageFaults() / m.job().explained(),
                bareFaults,
                NativeHeap.tune().description());
    }

    /** The overhead in CPU seconds, which time stolen by the hypervisor leaves out. */
    private void cpuOverhead(PrintStream out, CpuUse cpu, BareRates all, double traces, double forwards) {
        double fbCpu = median(all.forwardBackward(), Window::cpuSecondsPerImage);
        double fCpu = median(all.forward(), Window::cpuSecondsPerImage);
        double fbCallerCpu = median(all.forwardBackward(), Window::callerCpuSecondsPerImage);
        double fCallerCpu = median(all.forward(), Window::callerCpuSecondsPerImage);
        long images = m.job().explained();
        double modelCpu = images * (traces * fbCpu + forwards * fCpu);
        out.printf(
                Locale.ROOT,
                "in CPU seconds, which time stolen by the hypervisor leaves out: the job's process %.1f s, its model"
                        + " work at the bare CPU cost %.1f s: %.2fx (%.2fx leaving out the JIT compiler's); the"
                        + " model's calls in the job %.2fx their CPU bare (the calling threads')%n",
                cpu.process(),
                modelCpu,
                cpu.process() / modelCpu,
                (cpu.process() - cpu.compiler()) / modelCpu,
                m.work().cpuSeconds() / (images * (traces * fbCallerCpu + forwards * fCallerCpu)));
    }
}
