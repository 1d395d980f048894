package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.GpuBenchmark;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-gpu}: what the GPU buys over the CPU ({@link GpuBenchmark}). */
@Command(
        name = "bench-gpu",
        mixinStandardHelpOptions = true,
        description = "ViT-B/16 forward and forward+backward, TokenTM, ROAD's imputation and (with --job) the demo"
                + " job in local[1], on the GPU and on the CPU, with the ratios. Needs a jar built with -Pgpu.")
public final class BenchGpuCommand implements Callable<Integer> {

    @Option(
            names = "--gpu-batch",
            defaultValue = "32",
            description = "Images per GPU batch. Default: ${DEFAULT-VALUE}.")
    int gpuBatch;

    @Option(names = "--cpu-batch", defaultValue = "2", description = "Images per CPU batch. Default: ${DEFAULT-VALUE}.")
    int cpuBatch;

    @Option(
            names = "--seconds",
            defaultValue = "3",
            description = "Minimum timed seconds per measurement. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--job", description = "Also time the demo job on the sample, on the CPU and with one GPU task.")
    boolean job;

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configure();
        new GpuBenchmark(gpuBatch, cpuBatch, seconds, job)
                .run(System.out, args -> TokenTmCommand.commandLine().execute(args));
        return 0;
    }
}
