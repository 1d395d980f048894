package dev.tokentm.job.benchmark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.NoisyLinearImputer;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitPresets;
import dev.tokentm.udfs.model.VitTrace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * What a GPU buys over this machine's CPU, measured in one process: ViT-B/16 at 224 px (random
 * weights) forward and forward+backward with the full trace, TokenTM, ROAD's imputation (the NDArray
 * path on the GPU, the multigrid solver on the CPU; 18 masks per image) and, with {@code job}, the
 * demo's job on the committed sample in {@code local[1]} with one GPU task against the same on the
 * CPU. Prints each figure on both devices and the ratio.
 *
 * @param gpuBatch images per batch on the GPU
 * @param cpuBatch images per batch on the CPU
 * @param seconds minimum timed seconds per measurement
 * @param job also time the job (two runs of the demo)
 */
public record GpuBenchmark(int gpuBatch, int cpuBatch, double seconds, boolean job) {

    private static final String MODEL = "vit-base-p16-224";

    /** One row: a figure on both devices, larger is better when {@code rate}. */
    private record Row(String what, String unit, double cpu, double gpu, boolean rate) {}

    /**
     * Measures and prints; fails with one line when PyTorch sees no GPU.
     *
     * @param command runs a {@code tokentm} command line in this JVM and gives its exit code (the demo)
     */
    public void run(PrintStream out, ToIntFunction<String[]> command) throws IOException {
        int visible = Engine.getEngine("PyTorch").getGpuCount();
        if (visible == 0) {
            throw new IllegalStateException("no GPU visible to PyTorch (a CPU build of the jar, or no CUDA device;"
                    + " build with mvn -Pgpu package): nothing measured");
        }
        Device gpu = Device.gpu(0);
        VitConfig config = VitPresets.get(MODEL);
        List<Row> rows = new ArrayList<>();
        try (VisionTransformer onCpu = VisionTransformer.random(config, 0);
                VisionTransformer onGpu = onCpu.toDevice(gpu)) {
            double[] cpu = modelFigures(onCpu, cpuBatch);
            double[] gpuFigures = modelFigures(onGpu, gpuBatch);
            rows.add(new Row("forward", "images/s", cpu[0], gpuFigures[0], true));
            rows.add(new Row("forward+backward, full trace", "images/s", cpu[1], gpuFigures[1], true));
            rows.add(new Row("TokenTM", "ms/image", cpu[2], gpuFigures[2], false));
        }
        rows.add(new Row(
                "ROAD imputation, 18 masks",
                "ms/image",
                imputation(Device.cpu(), cpuBatch),
                imputation(gpu, gpuBatch),
                false));
        if (job) {
            rows.add(new Row("the demo job, local[1]", "s", demo(false, command), demo(true, command), false));
        }
        out.printf(
                Locale.ROOT,
                "%s at 224 px (random weights), CPU batch %d, %s batch %d%n",
                MODEL,
                cpuBatch,
                gpu,
                gpuBatch);
        out.printf(Locale.ROOT, "%-32s %10s %12s %12s %10s%n", "figure", "unit", "CPU", "GPU", "GPU gain");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "%-32s %10s %12.2f %12.2f %9.1fx%n",
                    r.what(),
                    r.unit(),
                    r.cpu(),
                    r.gpu(),
                    r.rate() ? r.gpu() / r.cpu() : r.cpu() / r.gpu());
        }
    }

    /** Forward images/s, forward+backward images/s, TokenTM ms/image. */
    private double[] modelFigures(VisionTransformer vit, int batch) {
        VitConfig c = vit.config();
        try (NDManager manager = NDManager.newBaseManager(vit.device())) {
            NDArray images = manager.randomNormal(new Shape(batch, c.channels(), c.imageSize(), c.imageSize()));
            double forward = Throughput.imagesPerSecond(
                    batch, seconds, () -> vit.logits(images).close());
            double traced = Throughput.imagesPerSecond(batch, seconds, () -> {
                try (VitTrace t = vit.trace(images, TraceRequest.withGradients(TargetClasses.predicted()))) {
                    t.logits().toFloatArray();
                }
            });
            Explainer tokenTm = ExplainerRegistry.get(ExplainerRegistry.REFERENCE);
            double tokenTmRate = Throughput.imagesPerSecond(batch, seconds, () -> {
                try (NDArray map = tokenTm.explain(vit, images, TargetClasses.predicted())) {
                    map.toFloatArray();
                }
            });
            return new double[] {forward, traced, 1e3 / tokenTmRate};
        }
    }

    /** ROAD's imputation of a batch of images, 18 masks each, on {@code device}: ms per image. */
    private double imputation(Device device, int batch) {
        int side = 224;
        int masks = RoadBenchmark.MASKS;
        float[] keep = RoadBenchmark.masks(batch, side, new Random(1));
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray images = manager.randomUniform(0, 1, new Shape((long) batch * masks, 3, side, side));
            NDArray kept = manager.create(keep, new Shape((long) batch * masks, 1, side, side));
            long[] seeds = new long[batch * masks];
            NoisyLinearImputer road = NoisyLinearImputer.road();
            double rate = Throughput.imagesPerSecond(batch, seconds, () -> {
                try (NDArray out = road.apply(images, kept, seeds)) {
                    out.toFloatArray();
                }
            });
            return 1e3 / rate;
        }
    }

    /** The demo's job on the committed sample in local[1], on the CPU or with one GPU task: seconds. */
    private double demo(boolean withGpu, ToIntFunction<String[]> command) throws IOException {
        List<String> set = new ArrayList<>();
        try (ScratchDirectory dir = new ScratchDirectory("tokentm-gpu-bench-")) {
            if (withGpu) {
                Path discovery = dir.path().resolve("gpus.sh");
                Files.writeString(discovery, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
                Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwx------"));
                set.add(property("spark.driver.resource.gpu.amount", "1"));
                set.add(property("spark.driver.resource.gpu.discoveryScript", discovery.toString()));
                set.add(property("spark.task.resource.gpu.amount", "1"));
            }
            long start = System.nanoTime();
            int exit = command.applyAsInt(new String[] {
                "explain",
                "--master",
                "local[1]",
                "--output",
                dir.path().resolve("run").toString()
            });
            if (exit != 0) {
                throw new IllegalStateException("the demo job exited " + exit + (withGpu ? " with one GPU task" : ""));
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            set.forEach(System::clearProperty);
        }
    }

    private static String property(String key, String value) {
        System.setProperty(key, value);
        return key;
    }
}
