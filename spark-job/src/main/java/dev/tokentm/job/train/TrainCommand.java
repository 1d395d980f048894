package dev.tokentm.job.train;

import dev.tokentm.job.data.ClutterSettings;
import dev.tokentm.job.data.ClutteredFashionMnist;
import dev.tokentm.job.data.FashionMnist;
import dev.tokentm.job.data.FashionMnistOption;
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
        description =
                "Train a small ViT from scratch on cluttered Fashion-MNIST (CPU is fine) and write a safetensors checkpoint.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Directory for model.safetensors.")
    Path out;

    @Option(names = "--epochs", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--depth", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--patch", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--init",
            description = "Continue from this checkpoint (same architecture) instead of random weights.")
    String init;

    @Mixin
    FashionMnistOption fashionMnist;

    /** The seed of the test images' clutter; the committed sample is made with it. */
    public static final long TEST_SEED = 7;

    @Override
    public Integer call() throws Exception {
        ClutterSettings clutter = ClutterSettings.defaults();
        int side = clutter.canvas();
        double[] half = {0.5, 0.5, 0.5};
        VitConfig model = new VitConfig(
                side,
                patch,
                3,
                embedDim,
                depth,
                heads,
                4.0,
                true,
                1e-6,
                10,
                true,
                false,
                Preprocessing.exact(side, half, half));
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
                TEST_SEED,
                init);
        Trainer trainer = new Trainer(
                config,
                new ClutteredFashionMnist(fashionMnist.train(), clutter),
                new ClutteredFashionMnist(fashionMnist.test(), clutter),
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
