package dev.tokentm.job.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tokentm.job.dataset.ClutteredFashionMnist;
import dev.tokentm.job.dataset.ClutteredSample;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.checkpoint.TimmMetadata;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.random.Permutations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains a ViT from scratch on cluttered Fashion-MNIST: shuffled batches, AdamW, warm-up and
 * cosine schedule, label smoothing, and as augmentation a new placement, scale, flip and clutter
 * of every garment each epoch (the mask moves with the garment, since both are drawn together).
 * Evaluates on a held-out test split after every epoch and writes the best checkpoint.
 */
public final class Trainer {

    private final TrainConfig config;
    private final ClutteredFashionMnist train;
    private final ClutteredFashionMnist test;
    private final List<String> classNames;
    private final PrintStream log;

    public Trainer(
            TrainConfig config,
            ClutteredFashionMnist train,
            ClutteredFashionMnist test,
            List<String> classNames,
            PrintStream log) {
        this.config = config;
        this.train = train;
        this.test = test;
        this.classNames = classNames;
        this.log = log;
    }

    /** Trains, writing {@code model.safetensors} (best test accuracy) to {@code out}; returns that accuracy. */
    public double run(Path out) throws IOException {
        Files.createDirectories(out);
        VitConfig c = config.model();
        int trainCount = Math.min(config.trainImages(), train.size());
        int stepsPerEpoch = trainCount / config.batchSize();
        int total = stepsPerEpoch * config.epochs();
        LearningRateSchedule schedule = new LearningRateSchedule(
                config.learningRate(),
                config.learningRate() * 0.01,
                (int) Math.round(config.warmupEpochs() * stepsPerEpoch),
                total);
        try (NDManager weights = NDManager.newBaseManager();
                NDManager state = NDManager.newBaseManager()) {
            VitParameters parameters = config.init() == null
                    ? VitParameters.random(c, weights, config.seed())
                    : initialWeights(config.init(), c, weights);
            List<NDArray> trainable = new ArrayList<>();
            List<Boolean> decay = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : parameters.tensors().entrySet()) {
                e.getValue().setRequiresGradient(true);
                trainable.add(e.getValue());
                decay.add(e.getValue().getShape().dimension() >= 2
                        && !e.getKey().contains("token")
                        && !e.getKey().equals("pos_embed"));
            }
            AdamW optimizer = new AdamW(trainable, decay, config.weightDecay(), state);
            VisionTransformer model = new VisionTransformer(parameters, weights);
            log.printf(
                    Locale.ROOT,
                    "training %d parameters on %d cluttered images x %d epochs, %d steps of %d%n",
                    parameters.count(),
                    trainCount,
                    config.epochs(),
                    total,
                    config.batchSize());
            Random shuffle = new Random(config.seed());
            double best = -1;
            int step = 0;
            long start = System.nanoTime();
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] order = Permutations.shuffled(trainCount, shuffle);
                double lossSum = 0;
                int correct = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    List<ClutteredSample> batch = new ArrayList<>(config.batchSize());
                    for (int i = 0; i < config.batchSize(); i++) {
                        batch.add(train.generate(order[s * config.batchSize() + i], config.seed() * 1000 + epoch));
                    }
                    double lr = schedule.at(step++);
                    try (NDManager scope = weights.newSubManager()) {
                        NDArray images = c.preprocessing().normalize(pixels(scope, batch));
                        int[] labels =
                                batch.stream().mapToInt(ClutteredSample::label).toArray();
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = model.trainingLogits(images);
                            NDArray loss = crossEntropy(scope, logits, labels);
                            collector.backward(loss);
                            lossSum += loss.getFloat();
                            long[] predicted = logits.argMax(1).toLongArray();
                            for (int i = 0; i < labels.length; i++) {
                                correct += predicted[i] == labels[i] ? 1 : 0;
                            }
                        }
                        optimizer.step(lr, scope);
                    }
                }
                double testAccuracy = evaluate(model);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                log.printf(
                        Locale.ROOT,
                        "epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  lr %.2e  %.0f img/s  %.0f s"
                                + " (total %.1f min)%n",
                        epoch,
                        config.epochs(),
                        lossSum / stepsPerEpoch,
                        (double) correct / (stepsPerEpoch * config.batchSize()),
                        testAccuracy,
                        schedule.at(step - 1),
                        stepsPerEpoch * config.batchSize() / seconds,
                        seconds,
                        (System.nanoTime() - start) / 6e10);
                if (testAccuracy > best) {
                    best = testAccuracy;
                    save(parameters, out.resolve("model.safetensors"), testAccuracy, epoch);
                }
            }
            return best;
        }
    }

    /** Top-1 accuracy on the held-out test images. */
    public double evaluate(VisionTransformer model) {
        int count = Math.min(config.testImages(), test.size());
        int correct = 0;
        for (int first = 0; first < count; first += 256) {
            List<ClutteredSample> batch = new ArrayList<>();
            for (int i = first; i < Math.min(count, first + 256); i++) {
                batch.add(test.generate(i, config.testSeed()));
            }
            try (NDManager scope = NDManager.newBaseManager()) {
                long[] predicted = model.logits(model.config().preprocessing().normalize(pixels(scope, batch)))
                        .argMax(1)
                        .toLongArray();
                for (int i = 0; i < batch.size(); i++) {
                    correct += predicted[i] == batch.get(i).label() ? 1 : 0;
                }
            }
        }
        return (double) correct / count;
    }

    /** Images {@code [B, 3, side, side]} in [0,1]. */
    static NDArray pixels(NDManager manager, List<ClutteredSample> batch) {
        int side = batch.get(0).side();
        int plane = 3 * side * side;
        float[] all = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).pixels(), 0, all, i * plane, plane);
        }
        return manager.create(all, new Shape(batch.size(), 3, side, side));
    }

    /**
     * Cross-entropy with label smoothing (Szegedy et al., CVPR 2016, Sec. 7): the target is
     * {@code (1 − ε)·onehot + ε/K}, the loss {@code −Σ_k q_k log softmax(z)_k}, averaged over the batch.
     */
    private NDArray crossEntropy(NDManager manager, NDArray logits, int[] labels) {
        int classes = Math.toIntExact(logits.getShape().get(1));
        double eps = config.labelSmoothing();
        float[] target = new float[labels.length * classes];
        java.util.Arrays.fill(target, (float) (eps / classes));
        for (int i = 0; i < labels.length; i++) {
            target[i * classes + labels[i]] += (float) (1 - eps);
        }
        NDArray q = manager.create(target, new Shape(labels.length, classes));
        return logits.logSoftmax(1).mul(q).sum(new int[] {1}).neg().mean();
    }

    private void save(VitParameters parameters, Path file, double testAccuracy, int epoch) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(TimmMetadata.fromConfig(parameters.config(), classNames));
        metadata.put("test_accuracy", String.format(Locale.ROOT, "%.4f", testAccuracy));
        metadata.put("test_images", Integer.toString(Math.min(config.testImages(), test.size())));
        metadata.put("test_seed", Long.toString(config.testSeed()));
        metadata.put("epochs_trained", Integer.toString(epoch));
        metadata.put("dataset", "cluttered-fashion-mnist");
        Map<String, NDArray> detached = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager()) {
            for (Map.Entry<String, NDArray> e : parameters.tensors().entrySet()) {
                NDArray copy = e.getValue().stopGradient();
                copy.attach(scope);
                detached.put(e.getKey(), copy);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Safetensors.write(detached, metadata));
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The weights of a checkpoint, copied into {@code weights}; its architecture must match. */
    private static VitParameters initialWeights(String location, VitConfig expected, NDManager weights) {
        try (ModelLoader.LoadedModel loaded = ModelLoader.load(location)) {
            VitConfig found = loaded.model().config();
            if (!found.equals(expected)) {
                throw new IllegalArgumentException("--init " + location + " has architecture " + found
                        + ", not the one being trained: " + expected);
            }
            Map<String, NDArray> copies = new LinkedHashMap<>();
            loaded.model().parameters().tensors().forEach((name, t) -> {
                NDArray copy = t.duplicate();
                copy.attach(weights);
                copies.put(name, copy);
            });
            return VitParameters.of(expected, copies);
        }
    }
}
