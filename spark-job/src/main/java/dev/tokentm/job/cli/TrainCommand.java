package dev.tokentm.job.cli;

import dev.tokentm.job.dataset.ClutterSettings;
import dev.tokentm.job.dataset.ClutteredFashionMnist;
import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.job.training.TrainConfig;
import dev.tokentm.job.training.Trainer;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VitConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the project's small ViT on cluttered Fashion-MNIST. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a small ViT from scratch on cluttered Fashion-MNIST (CPU is fine) and write a safetensors "
                + "checkpoint. The defaults are the embedded model's recipe.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Directory for model.safetensors.")
    Path out;

    @Option(names = "--epochs", defaultValue = "15", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1.5e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(
            names = "--train-images",
            defaultValue = "60000",
            description = "Training garments per epoch. Default: ${DEFAULT-VALUE}.")
    int trainImages;

    @Option(
            names = "--test-images",
            defaultValue = "10000",
            description = "Held-out test garments. Default: ${DEFAULT-VALUE}.")
    int testImages;

    @Option(names = "--embed-dim", defaultValue = "96", description = "Default: ${DEFAULT-VALUE}.")
    int embedDim;

    @Option(names = "--depth", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--patch", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--seed", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--init",
            description = "Continue from this checkpoint (same architecture) instead of random weights.")
    String init;

    @Mixin
    FashionMnistOption fashionMnist;

    @Mixin
    ShortcutOption shortcut;

    @Override
    public Integer call() throws Exception {
        ClutterSettings clutter = ClutterSettings.defaults();
        int side = clutter.canvas();
        double[] half = {0.5, 0.5, 0.5};
        VitConfig model = VitConfig.builder()
                .imageSize(side)
                .patchSize(patch)
                .embedDim(embedDim)
                .depth(depth)
                .numHeads(heads)
                .numClasses(10)
                .preprocessing(Preprocessing.exact(side, half, half))
                .build();
        TrainConfig config = new TrainConfig(
                model,
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                0.5,
                0.1,
                trainImages,
                testImages,
                seed,
                ClutteredFashionMnist.TEST_SEED,
                init);
        Trainer trainer = new Trainer(
                config,
                new ClutteredFashionMnist(fashionMnist.train(), clutter, shortcut.parsed()),
                new ClutteredFashionMnist(fashionMnist.test(), clutter, shortcut.parsed()),
                FashionMnist.CLASS_NAMES,
                System.out);
        double best = trainer.run(out);
        System.out.printf(
                Locale.ROOT,
                "best held-out test accuracy %.4f; checkpoint %s%n",
                best,
                out.resolve("model.safetensors"));
        return 0;
    }
}
