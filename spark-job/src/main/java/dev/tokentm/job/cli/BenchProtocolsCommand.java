package dev.tokentm.job.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.metrics.GaussianBlur;
import dev.tokentm.udfs.metrics.NoisyLinearImputer;
import dev.tokentm.udfs.metrics.Perturbation;
import dev.tokentm.udfs.metrics.PerturbationProtocol;
import dev.tokentm.udfs.metrics.PixelOrder;
import dev.tokentm.udfs.metrics.Removal;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What each faithfulness protocol costs per image (one method, one target): forward passes and
 * seconds, on the embedded model and the committed sample; and ROAD's imputation time against the
 * time of the model passes it feeds.
 */
@Command(
        name = "bench-protocols",
        mixinStandardHelpOptions = true,
        description = "Each protocol's cost per image in forward passes and seconds, and ROAD's imputation time"
                + " against its model time (embedded model, committed sample).")
public final class BenchProtocolsCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            description = "A safetensors checkpoint, or a preset with random weights (the sample is resized to its"
                    + " input): ${COMPLETION-CANDIDATES}. Default: the embedded model.",
            completionCandidates = BenchModelCommand.PresetNames.class)
    String model;

    @Option(names = "--images", defaultValue = "64", description = "Sample images measured. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--tolerance",
            defaultValue = "1e-4",
            description = "ROAD's conjugate gradient tolerance (relative residual). Default: ${DEFAULT-VALUE}.")
    double tolerance;

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

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configure();
        VisionTransformer model =
                this.model == null ? EmbeddedModel.load(Device.cpu()).model() : BenchModelCommand.open(this.model);
        Path sample = Path.of(System.getProperty(ExplainCommand.SAMPLE_PROPERTY, "data/sample/manifest.csv"));
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
        PerturbationProtocol protocol = PerturbationProtocol.published();
        Timed road = new Timed(new NoisyLinearImputer(0.01, tolerance, 500));
        Timed blur = new Timed(GaussianBlur.rise());
        Map<String, List<Perturbation>> protocols = new LinkedHashMap<>();
        protocols.put("zero", List.of(Perturbation.deletion(), Perturbation.remove(PixelOrder.NEGATIVE, Removal.ZERO)));
        protocols.put(
                "road",
                List.of(
                        Perturbation.remove(PixelOrder.POSITIVE, road),
                        Perturbation.remove(PixelOrder.NEGATIVE, road)));
        protocols.put(
                "blur",
                List.of(
                        Perturbation.remove(PixelOrder.POSITIVE, blur),
                        Perturbation.remove(PixelOrder.NEGATIVE, blur),
                        Perturbation.insertion(blur)));
        System.out.printf(
                Locale.ROOT,
                "%s, %d images of %dx%d, batch %d, tokentm heatmaps, predicted class, steps %s, ROAD tolerance %.0e%n",
                this.model == null ? "embedded model" : this.model,
                n,
                side,
                side,
                batchSize,
                java.util.Arrays.toString(protocol.fractions()),
                tolerance);
        System.out.printf(Locale.ROOT, "%-8s %16s %14s %14s%n", "protocol", "forwards/image", "ms/image", "ms/forward");
        for (Map.Entry<String, List<Perturbation>> p : protocols.entrySet()) {
            long start = System.nanoTime();
            int forwards = 0;
            long removalBefore = road.nanos + blur.nanos;
            for (int first = 0; first < n; first += batchSize) {
                int b = Math.min(batchSize, n - first);
                try (NDManager manager = NDManager.newBaseManager()) {
                    NDArray batch = manager.create(
                            java.util.Arrays.copyOfRange(
                                    pixels, first * 3 * side * side, (first + b) * 3 * side * side),
                            new Shape(b, 3, side, side));
                    NDArray heatmaps = ExplainerRegistry.get("tokentm")
                            .explain(model, model.config().preprocessing().normalize(batch), TargetClasses.predicted());
                    int[] labels = new int[b];
                    NDArray logits = model.logits(model.config().preprocessing().normalize(batch));
                    int[] explained = TargetClasses.predicted().select(logits);
                    float[] flat = logits.toFloatArray();
                    int classes = flat.length / b;
                    float[][] unperturbed = new float[b][];
                    for (int i = 0; i < b; i++) {
                        unperturbed[i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                    }
                    long[] seeds = new long[b];
                    for (int i = 0; i < b; i++) {
                        seeds[i] = first + i;
                    }
                    for (Perturbation perturbation : p.getValue()) {
                        protocol.run(model, batch, heatmaps, labels, explained, perturbation, unperturbed, seeds);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            forwards = dev.tokentm.udfs.metrics.FaithfulnessEvaluator.forwardsPerImage(
                    protocol,
                    java.util.EnumSet.of(
                            dev.tokentm.udfs.metrics.Protocol.valueOf(p.getKey().toUpperCase(Locale.ROOT))));
            double removal = (road.nanos + blur.nanos - removalBefore) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %16d %14.1f %14.2f   (replacing pixels: %.1f ms/image, %.0f%% of the rest)%n",
                    p.getKey(),
                    forwards,
                    1e3 * seconds / n,
                    1e3 * (seconds - removal) / n / forwards,
                    1e3 * removal / n,
                    100 * removal / (seconds - removal));
        }
        return 0;
    }
}
