package dev.tokentm.job.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.metrics.NoisyLinearImputer;
import dev.tokentm.udfs.metrics.Perturbation;
import dev.tokentm.udfs.metrics.PerturbationPlan;
import dev.tokentm.udfs.metrics.PerturbationProtocol;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.Removal;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * What each removal protocol costs per image (the reference method, the predicted class): forward
 * passes and seconds on the committed sample, every curve its {@link PerturbationPlan} draws; and the
 * time spent replacing pixels against the time of the model passes it feeds.
 *
 * @param images sample images measured
 * @param batchSize images per batch
 * @param tolerance ROAD's conjugate gradient tolerance (relative residual)
 */
public record ProtocolBenchmark(int images, int batchSize, double tolerance) {

    /** A removal that adds up the time spent in it. */
    private static final class Timed implements Removal {
        private final Removal inner;
        private long nanos;

        Timed(Removal inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public NDArray apply(NDArray images, NDArray keep, long[] seeds) {
            long start = System.nanoTime();
            NDArray out = inner.apply(images, keep, seeds);
            out.toFloatArray(); // wait for the result
            nanos += System.nanoTime() - start;
            return out;
        }
    }

    /** Measures {@code model} (named {@code name} in the report) on the committed sample and prints one line per protocol. */
    public void run(VisionTransformer model, String name, PrintStream out) throws IOException, BadImageException {
        Path sample = RepeatedSample.committedSample();
        List<String> lines = Files.readAllLines(sample);
        InputTransform transform = new InputTransform(model.config().preprocessing());
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        int side = transform.side();
        int n = Math.min(images, lines.size() - 1);
        float[] pixels = new float[n * 3 * side * side];
        for (int i = 0; i < n; i++) {
            float[] one = transform.image(decoder.decode(
                    Files.readAllBytes(sample.resolveSibling(lines.get(i + 1).split(",")[0]))));
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        PerturbationProtocol test = PerturbationProtocol.published();
        out.printf(
                Locale.ROOT,
                "%s, %d images of %dx%d, batch %d, %s heatmaps, predicted class, steps %s, ROAD tolerance %.0e%n",
                name,
                n,
                side,
                side,
                batchSize,
                ExplainerRegistry.REFERENCE,
                Arrays.toString(test.fractions()),
                tolerance);
        out.printf(Locale.ROOT, "%-8s %16s %14s %14s%n", "protocol", "forwards/image", "ms/image", "ms/forward");
        for (Protocol p : Protocol.removals()) {
            PerturbationPlan plan = PerturbationPlan.of(EnumSet.of(p), test);
            Timed removal = new Timed(
                    p.removal() instanceof NoisyLinearImputer road
                            ? new NoisyLinearImputer(road.noise(), tolerance, road.maxIterations())
                            : p.removal());
            List<Perturbation> passes = plan.runs().stream()
                    .map(r -> new Perturbation(
                            r.perturbation().order(),
                            removal,
                            r.perturbation().reveal(),
                            r.perturbation().toEnd()))
                    .toList();
            long start = System.nanoTime();
            for (int first = 0; first < n; first += batchSize) {
                int b = Math.min(batchSize, n - first);
                float[] batch = Arrays.copyOfRange(pixels, first * 3 * side * side, (first + b) * 3 * side * side);
                perturb(model, batch, new Shape(b, 3, side, side), first, passes, test);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int forwards = plan.forwardsPerImage();
            double replacing = removal.nanos / 1e9;
            out.printf(
                    Locale.ROOT,
                    "%-8s %16d %14.1f %14.2f   (replacing pixels: %.1f ms/image, %.0f%% of the rest)%n",
                    p.label(),
                    forwards,
                    1e3 * seconds / n,
                    1e3 * (seconds - replacing) / n / forwards,
                    1e3 * replacing / n,
                    100 * replacing / (seconds - replacing));
        }
    }

    /** One batch through every pass, as the evaluator runs them (the unperturbed logits reused). */
    private static void perturb(
            VisionTransformer model,
            float[] pixels,
            Shape shape,
            int first,
            List<Perturbation> passes,
            PerturbationProtocol test) {
        int b = Math.toIntExact(shape.get(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(pixels, shape);
            NDArray normalized = model.config().preprocessing().normalize(batch);
            NDArray heatmaps = ExplainerRegistry.get(ExplainerRegistry.REFERENCE)
                    .explain(model, normalized, TargetClasses.predicted());
            NDArray logits = model.logits(normalized);
            int[] explained = TargetClasses.predicted().select(logits);
            float[] flat = logits.toFloatArray();
            int classes = flat.length / b;
            float[][] unperturbed = new float[b][];
            long[] seeds = new long[b];
            for (int i = 0; i < b; i++) {
                unperturbed[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                seeds[i] = first + i;
            }
            for (Perturbation perturbation : passes) {
                test.run(model, batch, heatmaps, new int[b], explained, perturbation, unperturbed, seeds);
            }
        }
    }
}
