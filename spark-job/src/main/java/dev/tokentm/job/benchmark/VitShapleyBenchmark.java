package dev.tokentm.job.benchmark;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.amortized.VitShapleyModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Shapley;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VitConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ViT Shapley against the Shapley values it amortizes, on held-out images: per image, the explainer's
 * values for the classifier's predicted class next to permutation-sampled Shapley values ({@link Shapley},
 * antithetic, with stated standard errors) of the same surrogate game; their Pearson correlation, the
 * relative L2 error, and how that error compares with the sampling's own; and each one's time per image.
 *
 * @param explainer the ViT Shapley file
 * @param model the classifier it was trained for
 * @param images held-out images measured (the committed sample's first)
 * @param samples permutations of the sampled estimate
 */
public record VitShapleyBenchmark(String explainer, String model, int images, int samples) {

    /** One image's comparison. */
    public record Row(double correlation, double relativeError, double samplingError) {}

    public List<Row> run(PrintStream out) throws Exception {
        try (ModelLoader.LoadedModel classifier = ModelLoader.load(model);
                VitShapleyModel vs = VitShapleyModel.load(
                        explainer, Device.cpu(), classifier.model().dataType());
                NDManager manager = NDManager.newBaseManager()) {
            VitConfig c = vs.config();
            NDArray x = c.preprocessing().normalize(sampleImages(manager, c));
            int[] classes = TargetClasses.predicted().select(classifier.model().logits(x));
            vs.values(x.get("0:1")); // warm-up
            long start = System.nanoTime();
            NDArray values = vs.values(x); // [B, P, C]
            double amortized = (System.nanoTime() - start) / 1e6 / images;
            Shapley sampled = new Shapley(false, samples, 0, 0, 512);
            start = System.nanoTime();
            Shapley.Estimate[] estimates = sampled.estimate(
                    c.numPatches(),
                    x,
                    classes,
                    manager,
                    (image, cls, keep, count, scope) -> vs.game(image, cls, keep, count, 512, scope));
            double sampling = (System.nanoTime() - start) / 1e6 / images;
            out.printf(
                    Locale.ROOT,
                    "ViT Shapley (%s) against %d sampled permutations of its surrogate game, %d held-out images%n",
                    explainer,
                    samples,
                    images);
            out.printf(
                    Locale.ROOT,
                    "%5s %6s %12s %14s %16s%n",
                    "image",
                    "class",
                    "correlation",
                    "relative L2",
                    "sampling's L2");
            List<Row> rows = new java.util.ArrayList<>();
            double[] flat =
                    values.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            int k = c.numClasses();
            for (int b = 0; b < images; b++) {
                double[] phi = new double[c.numPatches()];
                for (int p = 0; p < c.numPatches(); p++) {
                    phi[p] = flat[(b * c.numPatches() + p) * k + classes[b]];
                }
                double[] reference = estimates[b].values();
                double norm = Math.sqrt(Arrays.stream(reference).map(v -> v * v).sum());
                double samplingNorm = Math.sqrt(Arrays.stream(estimates[b].standardErrors())
                        .map(v -> v * v)
                        .sum());
                Row row = new Row(pearson(phi, reference), distance(phi, reference) / norm, samplingNorm / norm);
                rows.add(row);
                out.printf(
                        Locale.ROOT,
                        "%5d %6d %12.3f %14.3f %16.3f%n",
                        b,
                        classes[b],
                        row.correlation(),
                        row.relativeError(),
                        row.samplingError());
            }
            out.printf(
                    Locale.ROOT,
                    "median correlation %.3f, median relative L2 error %.3f (sampling's own stated error %.3f)%n",
                    median(rows.stream().mapToDouble(Row::correlation).toArray()),
                    median(rows.stream().mapToDouble(Row::relativeError).toArray()),
                    median(rows.stream().mapToDouble(Row::samplingError).toArray()));
            out.printf(
                    Locale.ROOT,
                    "ms per image: vit-shapley %.2f (2 forward passes), sampled Shapley %.0f (%d permutations): %.0fx%n",
                    amortized,
                    sampling,
                    samples,
                    sampling / amortized);
            return rows;
        }
    }

    private NDArray sampleImages(NDManager manager, VitConfig c) throws Exception {
        Path sample = RepeatedSample.committedSample();
        List<String> lines = Files.readAllLines(sample);
        InputTransform transform = new InputTransform(c.preprocessing());
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        int side = transform.side();
        float[] pixels = new float[images * 3 * side * side];
        for (int i = 0; i < images; i++) {
            String path = lines.get(1 + i % (lines.size() - 1)).split(",")[0];
            float[] one = transform.image(decoder.decode(Files.readAllBytes(sample.resolveSibling(path))));
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        return manager.create(pixels, new Shape(images, 3, side, side));
    }

    static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
