package dev.tokentm.job.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.BilinearUpsampler;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.metrics.NoisyLinearImputer;
import dev.tokentm.udfs.model.Preprocessing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * ROAD's imputation side by side with its authors' computation, on the same images and masks in one
 * run: sample images resized to {@code side}, each with the 18 masks the job's ROAD curves use (MoRF
 * and LeRF at 10% to 90% removed) from a blocky heatmap (a side/16 grid of random values upsampled
 * bilinearly, as shared/reference/road's masks are made). Ours runs one image and mask per call on
 * one thread (the reference uses one core) and as one batch over all cores (as the job does); the
 * reference is
 * {@code bin/road-reference.py} (scipy's direct sparse solve), which also reports how far our
 * imputation is from its own.
 *
 * @param images sample images measured
 * @param side image side in pixels
 * @param script the reference script, or null to skip it
 */
public record RoadBenchmark(int images, int side, Path script) {

    /** The removal fractions of the job's ROAD curves (the published steps but 0). */
    private static final double[] FRACTIONS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    /** Timings of ours per run; the median is printed (this machine's cores are shared and noisy). */
    private static final int REPEATS = 3;

    /** Masks per image. */
    static final int MASKS = 2 * FRACTIONS.length;

    /** Times ours, then the reference, and prints both with their ratio. */
    public void run(PrintStream out) throws IOException, BadImageException, InterruptedException {
        int plane = side * side;
        float[] pixels = sampleImages();
        float[] keep = masks(images, side, new Random(1));
        NoisyLinearImputer plain =
                new NoisyLinearImputer(0, NoisyLinearImputer.road().tolerance(), 500);
        float[] ours = new float[images * MASKS * 3 * plane];
        double[] sequential = new double[REPEATS];
        double[] batched = new double[REPEATS];
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray tiled = manager.create(tile(pixels), new Shape((long) images * MASKS, 3, side, side));
            NDArray masks = manager.create(keep, new Shape((long) images * MASKS, 1, side, side));
            long[] seeds = new long[images * MASKS];
            plain.apply(tiled, masks, seeds).close(); // compiles the solver before timing
            for (int r = 0; r < REPEATS; r++) {
                long start = System.nanoTime();
                for (int n = 0; n < images * MASKS; n++) {
                    // One image and mask per call: the parallel stream inside runs on this thread alone.
                    try (NDArray x =
                            plain.apply(tiled.get(n + ":" + (n + 1)), masks.get(n + ":" + (n + 1)), new long[1])) {
                        System.arraycopy(x.toFloatArray(), 0, ours, n * 3 * plane, 3 * plane);
                    }
                }
                sequential[r] = (System.nanoTime() - start) / 1e6 / images;
                start = System.nanoTime();
                plain.apply(tiled, masks, seeds).close();
                batched[r] = (System.nanoTime() - start) / 1e6 / images;
            }
        }
        double oursOne = median(sequential);
        double oursAll = median(batched);
        out.printf(
                Locale.ROOT,
                "ROAD imputation, %d sample images at %dx%d, %d masks each (MoRF and LeRF at %s removed)%n",
                images,
                side,
                side,
                MASKS,
                "10% to 90%");
        out.printf(Locale.ROOT, "ours, one thread:                     %8.1f ms per image (median of 3)%n", oursOne);
        out.printf(
                Locale.ROOT,
                "ours, one batch on %d cores:           %8.1f ms per image (median of 3)%n",
                Runtime.getRuntime().availableProcessors(),
                oursAll);
        if (script == null) {
            return;
        }
        JsonObject reference = reference(pixels, keep, ours);
        if (reference == null) {
            return;
        }
        double[] seconds = new Gson().fromJson(reference.get("seconds"), double[].class);
        double[] solving = new Gson().fromJson(reference.get("solve_seconds"), double[].class);
        double refPerImage = Arrays.stream(seconds).sum() * 1e3 / images;
        double solvePerImage = Arrays.stream(solving).sum() * 1e3 / images;
        out.printf(Locale.ROOT, "reference as published, one core:     %8.1f ms per image%n", refPerImage);
        out.printf(Locale.ROOT, "  of which scipy's spsolve alone:     %8.1f ms per image%n", solvePerImage);
        out.printf(
                Locale.ROOT,
                "reference / ours: %.1fx one thread, %.1fx batched (spsolve alone / ours: %.1fx, %.1fx);"
                        + " largest relative L2 between them %.1e%n",
                refPerImage / oursOne,
                refPerImage / oursAll,
                solvePerImage / oursOne,
                solvePerImage / oursAll,
                reference.get("worst_relative_l2").getAsDouble());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Runs the reference on the same images and masks; null (with a line saying why) when it cannot run. */
    private JsonObject reference(float[] pixels, float[] keep, float[] ours) throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            System.out.println("reference not run: no " + script);
            return null;
        }
        try (ScratchDirectory dir = new ScratchDirectory("tokentm-road-")) {
            write(dir.path().resolve("images.f32"), pixels);
            write(dir.path().resolve("keep.f32"), keep);
            write(dir.path().resolve("ours.f32"), ours);
            Files.writeString(
                    dir.path().resolve("shapes.json"),
                    String.format(
                            Locale.ROOT,
                            "{\"images\": %d, \"channels\": 3, \"side\": %d, \"masks\": %d}",
                            images,
                            side,
                            MASKS));
            Process p = new ProcessBuilder(
                            "python3", script.toString(), dir.path().toString())
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                List<String> lines = text.lines().toList();
                System.out.println("reference not run: "
                        + (lines.isEmpty() ? "exit " + p.exitValue() : lines.get(lines.size() - 1)));
                return null;
            }
            return new Gson().fromJson(text.strip(), JsonObject.class);
        }
    }

    private static void write(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    /** The first {@code images} sample images at {@code side}, in [0, 1], {@code [N, 3, side, side]}. */
    private float[] sampleImages() throws IOException, BadImageException {
        Path sample = RepeatedSample.committedSample();
        List<String> lines = Files.readAllLines(sample);
        InputTransform transform =
                new InputTransform(Preprocessing.exact(side, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD));
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        float[] pixels = new float[images * 3 * side * side];
        for (int i = 0; i < images; i++) {
            String path = lines.get(1 + i % (lines.size() - 1)).split(",")[0];
            float[] one = transform.image(decoder.decode(Files.readAllBytes(sample.resolveSibling(path))));
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        return pixels;
    }

    /** Each image repeated once per mask. */
    private float[] tile(float[] pixels) {
        int size = 3 * side * side;
        float[] out = new float[images * MASKS * size];
        for (int i = 0; i < images * MASKS; i++) {
            System.arraycopy(pixels, (i / MASKS) * size, out, i * size, size);
        }
        return out;
    }

    /**
     * {@code [images, 18, side, side]}, 1 = kept: per image a blocky heatmap's MoRF and LeRF masks at
     * 10% to 90% removed, the masks of the job's ROAD curves.
     */
    static float[] masks(int images, int side, Random random) {
        int plane = side * side;
        int grid = Math.max(2, side / 16);
        float[] out = new float[images * MASKS * plane];
        for (int i = 0; i < images; i++) {
            float[] coarse = new float[grid * grid];
            for (int g = 0; g < coarse.length; g++) {
                coarse[g] = random.nextFloat();
            }
            double[] heat = BilinearUpsampler.resize(coarse, grid, grid, side, side);
            Integer[] byRelevance = new Integer[plane];
            for (int p = 0; p < plane; p++) {
                byRelevance[p] = p;
            }
            Arrays.sort(byRelevance, (a, b) -> Double.compare(heat[b], heat[a]));
            for (int f = 0; f < FRACTIONS.length; f++) {
                int removed = (int) Math.round(FRACTIONS[f] * plane);
                int morf = (i * MASKS + f) * plane;
                int lerf = (i * MASKS + FRACTIONS.length + f) * plane;
                Arrays.fill(out, morf, morf + plane, 1f);
                Arrays.fill(out, lerf, lerf + plane, 1f);
                for (int r = 0; r < removed; r++) {
                    out[morf + byRelevance[r]] = 0;
                    out[lerf + byRelevance[plane - 1 - r]] = 0;
                }
            }
        }
        return out;
    }
}
