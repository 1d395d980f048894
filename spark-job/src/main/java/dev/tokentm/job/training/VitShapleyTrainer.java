package dev.tokentm.job.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tokentm.udfs.amortized.CoalitionMask;
import dev.tokentm.udfs.amortized.CoalitionSampler;
import dev.tokentm.udfs.amortized.ShapleyHead;
import dev.tokentm.udfs.amortized.VitShapleyModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.random.Permutations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains ViT Shapley for a classifier (Covert, Kim, Lee, ICLR 2023; suinleelab/vit-shapley), in one
 * process, on its GPU when PyTorch sees one, else on the CPU:
 *
 * <ol>
 *   <li><b>Surrogate</b>: the classifier fine-tuned to coalitions of patches ({@link CoalitionMask}),
 *       each step's coalitions of uniformly distributed size, to match the classifier's softmax on the
 *       whole image: loss {@code KL(p_classifier(x) ‖ p_surrogate(x_S))}.
 *   <li><b>Explainer</b>: a ViT started from the surrogate with a {@link ShapleyHead}; per image, {@code
 *       maskPairs} Shapley-kernel coalitions with their complements, and the loss {@code P · mean_S,c
 *       (v(∅) + Σ_{j∈S} φ_jc − v_c(S))²} with φ normalized to efficiency ({@link VitShapleyModel#normalize}).
 * </ol>
 *
 * After every epoch the state (weights, AdamW's moments, stage, epoch, step) goes to {@code
 * <output>.training}; a run that finds one continues from it. The explainer file is written at the end.
 */
public final class VitShapleyTrainer {

    /** The corpus as the trainer reads it: images in [0, 1] at the model's input size, {@code 3·side²}. */
    public interface Images {
        int size();

        float[] pixels(int index);
    }

    private final VitShapleyTraining config;
    private final PrintStream log;

    public VitShapleyTrainer(VitShapleyTraining config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** The device training runs on: the first GPU PyTorch sees, else the CPU. */
    public static Device device() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * Trains on {@code images} and writes the explainer to {@code output}.
     *
     * @param classifier the model {@code config.model()} names, loaded on {@link #device()}; not closed
     */
    public void run(ModelLoader.LoadedModel classifier, Images images, Path output) throws IOException {
        Device device = classifier.model().device();
        Path statePath = output.resolveSibling(output.getFileName() + ".training");
        try (NDManager weights = NDManager.newBaseManager(device)) {
            VitConfig c = classifier.model().config();
            if (!c.hasClassifier()) {
                throw new IllegalArgumentException(
                        "ViT Shapley explains a class: " + config.model() + " has no classifier");
            }
            State state =
                    Files.exists(statePath) ? State.read(statePath, c, weights, log) : State.start(classifier, weights);
            log.printf(
                    Locale.ROOT,
                    "train-explainer: %d images of %s on %s; surrogate %d epochs, explainer %d epochs, %d coalitions"
                            + " per image and step%n",
                    images.size(),
                    config.model(),
                    device,
                    config.surrogateEpochs(),
                    config.explainerEpochs(),
                    2 * config.maskPairs());
            float[][] targets = classifierTargets(classifier.model(), images, weights);
            int stepsPerEpoch = Math.max(1, images.size() / config.batchSize());
            if (state.stage == Stage.SURROGATE && state.epoch < config.surrogateEpochs()) {
                trainSurrogate(state, c, images, targets, stepsPerEpoch, statePath);
            }
            if (state.stage == Stage.SURROGATE) {
                state.beginExplainer(c, weights, config.seed());
            }
            VitShapleyModel model = trainExplainer(state, c, images, stepsPerEpoch, statePath);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("trained_for", config.model());
            facts.put("training_images", Integer.toString(images.size()));
            facts.put("surrogate_epochs", Integer.toString(config.surrogateEpochs()));
            facts.put("explainer_epochs", Integer.toString(config.explainerEpochs()));
            facts.put("mask_pairs", Integer.toString(config.maskPairs()));
            facts.put("learning_rate", Double.toString(config.learningRate()));
            facts.put("seed", Long.toString(config.seed()));
            atomicWrite(output, model.toBytes(facts));
            Files.deleteIfExists(statePath);
            log.println("train-explainer: wrote " + output);
        }
    }

    private void trainSurrogate(
            State state, VitConfig c, Images images, float[][] targets, int stepsPerEpoch, Path statePath)
            throws IOException {
        VisionTransformer surrogate = new VisionTransformer(state.surrogate, state.manager.newSubManager());
        AdamW optimizer = state.optimizer(state.surrogate.tensors(), config.weightDecay());
        LearningRateSchedule schedule = schedule(stepsPerEpoch * config.surrogateEpochs());
        while (state.epoch < config.surrogateEpochs()) {
            long start = System.nanoTime();
            Random random = new Random(config.seed() * 7919 + state.epoch);
            int[] order = Permutations.shuffled(images.size(), random);
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int[] batch = batch(order, s);
                try (NDManager scope = state.manager.newSubManager()) {
                    NDArray x = normalized(scope, c, images, batch);
                    float[] target = new float[batch.length * c.numClasses()];
                    for (int i = 0; i < batch.length; i++) {
                        System.arraycopy(targets[batch[i]], 0, target, i * c.numClasses(), c.numClasses());
                    }
                    NDArray p = scope.create(target, new Shape(batch.length, c.numClasses()));
                    NDArray entropy = p.mul(p.add(1e-12f).log()).sum();
                    float[] keep = CoalitionSampler.uniform(batch.length, c.numPatches(), random);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = surrogate.trainingLogits(x, CoalitionMask.of(keep, batch.length, c, x));
                        NDArray crossEntropy = p.mul(logits.logSoftmax(1)).sum().neg();
                        NDArray loss = crossEntropy.div(scope.create((float) batch.length));
                        collector.backward(loss);
                        lossSum += (crossEntropy.getFloat() + entropy.getFloat()) / batch.length;
                    }
                    optimizer.step(schedule.at(state.step++), scope);
                }
                progress("surrogate", state.epoch, config.surrogateEpochs(), s, stepsPerEpoch);
            }
            state.epoch++;
            log.printf(
                    Locale.ROOT,
                    "surrogate epoch %d/%d  KL %.4f  %.0f img/s%n",
                    state.epoch,
                    config.surrogateEpochs(),
                    lossSum / stepsPerEpoch,
                    stepsPerEpoch * config.batchSize() / ((System.nanoTime() - start) / 1e9));
            state.write(statePath, optimizer);
        }
    }

    /** Trains the explainer to its last epoch; returns the surrogate and explainer as one model. */
    private VitShapleyModel trainExplainer(State state, VitConfig c, Images images, int stepsPerEpoch, Path statePath)
            throws IOException {
        VitShapleyModel model = state.model(c, state.manager);
        List<NDArray> trainable = new ArrayList<>(state.explainer.tensors().values());
        trainable.addAll(state.head.values());
        Map<String, NDArray> named = new LinkedHashMap<>();
        state.explainer.tensors().forEach((k, v) -> named.put("explainer." + k, v));
        named.putAll(state.head);
        AdamW optimizer = state.optimizer(named, config.weightDecay());
        LearningRateSchedule schedule = schedule(stepsPerEpoch * config.explainerEpochs());
        int masks = 2 * config.maskPairs();
        int patches = c.numPatches();
        while (state.epoch < config.explainerEpochs()) {
            long start = System.nanoTime();
            Random random = new Random(config.seed() * 104729 + state.epoch);
            int[] order = Permutations.shuffled(images.size(), random);
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int[] batch = batch(order, s);
                int b = batch.length;
                try (NDManager scope = state.manager.newSubManager()) {
                    NDArray x = normalized(scope, c, images, batch);
                    float[] keep = new float[b * masks * patches];
                    for (int i = 0; i < b; i++) {
                        float[] rows = CoalitionSampler.shapleyPaired(config.maskPairs(), patches, random);
                        System.arraycopy(rows, 0, keep, i * masks * patches, rows.length);
                    }
                    NDArray repeated = x.repeat(0, masks);
                    NDArray values = model.surrogate()
                            .forward(repeated, CoalitionMask.of(keep, b * masks, c, repeated))
                            .softmax(-1)
                            .reshape(b, masks, c.numClasses());
                    NDArray all = model.surrogate().logits(x).softmax(-1);
                    NDArray empty = model.empty(x);
                    NDArray coalitions = scope.create(keep, new Shape(b, masks, patches));
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray raw = model.head().forward(model.explainer().trainingTokens(x));
                        NDArray phi = VitShapleyModel.normalize(raw, all, empty);
                        NDArray approx = coalitions.matMul(phi).add(empty);
                        NDArray loss = approx.sub(values).square().mean().mul(scope.create((float) patches));
                        collector.backward(loss);
                        lossSum += loss.getFloat();
                    }
                    optimizer.step(schedule.at(state.step++), scope);
                }
                progress("explainer", state.epoch, config.explainerEpochs(), s, stepsPerEpoch);
            }
            state.epoch++;
            log.printf(
                    Locale.ROOT,
                    "explainer epoch %d/%d  loss %.5f  %.1f img/s%n",
                    state.epoch,
                    config.explainerEpochs(),
                    lossSum / stepsPerEpoch,
                    stepsPerEpoch * config.batchSize() / ((System.nanoTime() - start) / 1e9));
            state.write(statePath, optimizer);
        }
        return model;
    }

    /** The classifier's softmax on every whole image, once: the surrogate's targets. */
    private float[][] classifierTargets(VisionTransformer classifier, Images images, NDManager weights) {
        VitConfig c = classifier.config();
        float[][] out = new float[images.size()][];
        for (int first = 0; first < images.size(); first += 64) {
            int n = Math.min(64, images.size() - first);
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                indices[i] = first + i;
            }
            try (NDManager scope = weights.newSubManager()) {
                float[] p = classifier
                        .logits(normalized(scope, c, images, indices))
                        .softmax(-1)
                        .toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[first + i] = java.util.Arrays.copyOfRange(p, i * c.numClasses(), (i + 1) * c.numClasses());
                }
            }
        }
        return out;
    }

    private int[] batch(int[] order, int step) {
        return java.util.Arrays.copyOfRange(order, step * config.batchSize(), (step + 1) * config.batchSize());
    }

    private static NDArray normalized(NDManager scope, VitConfig c, Images images, int[] indices) {
        int side = c.imageSize();
        int plane = 3 * side * side;
        float[] all = new float[indices.length * plane];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images.pixels(indices[i]), 0, all, i * plane, plane);
        }
        return c.preprocessing().normalize(scope.create(all, new Shape(indices.length, 3, side, side)));
    }

    private LearningRateSchedule schedule(int total) {
        return new LearningRateSchedule(
                config.learningRate(), config.learningRate() * 0.01, Math.max(1, total / 10), total);
    }

    private int lastPercent = -1;

    private void progress(String stage, int epoch, int epochs, int step, int steps) {
        int percent = (int) (100L * (epoch * steps + step + 1) / ((long) epochs * steps));
        if (percent / 10 != lastPercent / 10) {
            log.printf(Locale.ROOT, "  %s %d%%%n", stage, percent);
        }
        lastPercent = percent;
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private enum Stage {
        SURROGATE,
        EXPLAINER
    }

    /** What a resumed run continues from: the weights, the stage, epochs done in it and the steps taken. */
    private static final class State {
        final NDManager manager;
        Stage stage = Stage.SURROGATE;
        int epoch;
        int step;
        VitParameters surrogate;
        VitParameters explainer;
        Map<String, NDArray> head;
        private List<NDArray> savedMoments;
        private int savedSteps;

        private State(NDManager manager) {
            this.manager = manager;
        }

        /** The classifier's weights, copied, as the surrogate to fine-tune. */
        static State start(ModelLoader.LoadedModel classifier, NDManager manager) {
            State s = new State(manager);
            s.surrogate = trainableCopy(classifier.model().parameters(), manager);
            return s;
        }

        /** The explainer stage: its backbone copied from the surrogate, a new head. */
        void beginExplainer(VitConfig c, NDManager weights, long seed) {
            stage = Stage.EXPLAINER;
            epoch = 0;
            step = 0;
            savedMoments = null;
            explainer = trainableCopy(surrogate, weights);
            head = new LinkedHashMap<>(ShapleyHead.random(c, weights, seed));
            head.values().forEach(h -> h.setRequiresGradient(true));
        }

        private static VitParameters trainableCopy(VitParameters from, NDManager manager) {
            Map<String, NDArray> copies = new LinkedHashMap<>();
            from.tensors().forEach((k, v) -> {
                NDArray copy = v.stopGradient().duplicate();
                copy.attach(manager);
                copy.setRequiresGradient(true);
                copies.put(k, copy);
            });
            return VitParameters.of(from.config(), copies);
        }

        AdamW optimizer(Map<String, NDArray> parameters, double weightDecay) {
            List<NDArray> list = new ArrayList<>();
            List<Boolean> decay = new ArrayList<>();
            parameters.forEach((k, v) -> {
                v.setRequiresGradient(true);
                list.add(v);
                decay.add(v.getShape().dimension() >= 2 && !k.contains("token") && !k.endsWith("pos_embed"));
            });
            AdamW optimizer = new AdamW(list, decay, weightDecay, manager);
            if (savedMoments != null) {
                optimizer.restore(savedMoments, savedSteps);
            }
            return optimizer;
        }

        /** The surrogate and explainer as one model over the same (trained) weights. */
        VitShapleyModel model(VitConfig c, NDManager weights) {
            return new VitShapleyModel(
                    surrogate, explainer, new ShapleyHead(c, head), weights.newSubManager(), Map.of());
        }

        void write(Path file, AdamW optimizer) throws IOException {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            try (NDManager scope = NDManager.newBaseManager()) {
                surrogate.tensors().forEach((k, v) -> tensors.put("surrogate." + k, detached(v, scope)));
                if (explainer != null) {
                    explainer.tensors().forEach((k, v) -> tensors.put("explainer." + k, detached(v, scope)));
                    head.forEach((k, v) -> tensors.put(k, detached(v, scope)));
                }
                List<NDArray> moments = optimizer.moments();
                for (int i = 0; i < moments.size(); i++) {
                    tensors.put(String.format(Locale.ROOT, "adamw.%05d", i), detached(moments.get(i), scope));
                }
                Map<String, String> meta = new LinkedHashMap<>(
                        dev.tokentm.udfs.checkpoint.TimmMetadata.fromConfig(surrogate.config(), null));
                meta.put("stage", stage.name());
                meta.put("epoch", Integer.toString(epoch));
                meta.put("step", Integer.toString(step));
                meta.put("adamw_steps", Integer.toString(optimizer.steps()));
                atomicWrite(file, Safetensors.write(tensors, meta));
            }
        }

        static State read(Path file, VitConfig c, NDManager manager, PrintStream log) throws IOException {
            Safetensors.Contents contents = Safetensors.read(Files.readAllBytes(file), manager, file.toString());
            Map<String, String> meta = contents.metadata();
            State s = new State(manager);
            s.stage = Stage.valueOf(meta.get("stage"));
            s.epoch = Integer.parseInt(meta.get("epoch"));
            s.step = Integer.parseInt(meta.get("step"));
            s.savedSteps = Integer.parseInt(meta.get("adamw_steps"));
            Map<String, NDArray> surrogate = new LinkedHashMap<>();
            Map<String, NDArray> explainer = new LinkedHashMap<>();
            Map<String, NDArray> head = new LinkedHashMap<>();
            List<NDArray> moments = new ArrayList<>();
            contents.tensors().forEach((k, v) -> {
                v.setRequiresGradient(true);
                if (k.startsWith("surrogate.")) {
                    surrogate.put(k.substring("surrogate.".length()), v);
                } else if (k.startsWith("explainer.")) {
                    explainer.put(k.substring("explainer.".length()), v);
                } else if (k.startsWith("adamw.")) {
                    moments.add(v);
                } else {
                    head.put(k, v);
                }
            });
            s.surrogate = VitParameters.of(c, surrogate);
            if (s.stage == Stage.EXPLAINER) {
                s.explainer = VitParameters.of(c, explainer);
                s.head = head;
            }
            s.savedMoments = moments;
            log.printf(Locale.ROOT, "train-explainer: resuming from %s (%s, %d epochs done)%n", file, s.stage, s.epoch);
            return s;
        }

        private static NDArray detached(NDArray v, NDManager scope) {
            NDArray copy = v.stopGradient();
            copy.attach(scope);
            return copy;
        }
    }
}
