package dev.tokentm.job.cli;

import dev.tokentm.job.input.ImageInputs;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.training.VitShapleyTrainer;
import dev.tokentm.job.training.VitShapleyTraining;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.table.ColumnNames;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a ViT Shapley explainer for a classifier on a corpus. */
@Command(
        name = "train-explainer",
        mixinStandardHelpOptions = true,
        description =
                "Train ViT Shapley (Covert et al., ICLR 2023) for a classifier: its surrogate, then the explainer "
                        + "that gives Shapley values in two forward passes; writes one safetensors file for "
                        + "--methods vit-shapley(explainer=<file>). Runs on the GPU when PyTorch sees one; re-running with "
                        + "the same --out resumes after the last finished epoch.")
public final class TrainExplainerCommand implements Callable<Integer> {

    @Option(
            names = "--input",
            required = true,
            description = "The training corpus, in any form the job reads (image folder, manifest, Parquet).")
    String input;

    @Option(names = "--model", description = "The classifier explained. Default: the embedded model.")
    String model;

    @Option(names = "--out", required = true, description = "The explainer file to write (.safetensors).")
    Path out;

    @Option(names = "--images", defaultValue = "2000", description = "Training images read. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(
            names = "--surrogate-epochs",
            defaultValue = "" + VitShapleyTraining.DEFAULT_SURROGATE_EPOCHS,
            description = "Default: ${DEFAULT-VALUE}.")
    int surrogateEpochs;

    @Option(
            names = "--explainer-epochs",
            defaultValue = "" + VitShapleyTraining.DEFAULT_EXPLAINER_EPOCHS,
            description = "Default: ${DEFAULT-VALUE}.")
    int explainerEpochs;

    @Option(
            names = "--batch-size",
            defaultValue = "" + VitShapleyTraining.DEFAULT_BATCH_SIZE,
            description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--mask-pairs",
            defaultValue = "" + VitShapleyTraining.DEFAULT_MASK_PAIRS,
            description = "Coalitions per image and step, each with its complement. Default: ${DEFAULT-VALUE}.")
    int maskPairs;

    @Option(
            names = "--lr",
            defaultValue = "" + VitShapleyTraining.DEFAULT_LEARNING_RATE,
            description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, got " + images);
        }
        String location = model != null ? model : EmbeddedModel.LOCATION;
        VitShapleyTraining config = new VitShapleyTraining(
                location,
                surrogateEpochs,
                explainerEpochs,
                batchSize,
                maskPairs,
                learningRate,
                VitShapleyTraining.DEFAULT_WEIGHT_DECAY,
                seed);
        // Loaded once, on the device training runs on: the trainer reads it, the corpus its preprocessing.
        try (ModelLoader.LoadedModel classifier =
                ModelLoader.load(location, new ModelLoader.Options(null, null, null, VitShapleyTrainer.device()))) {
            InputTransform transform =
                    new InputTransform(classifier.model().config().preprocessing());
            List<byte[]> corpus = read(transform, classifier.classNames());
            if (corpus.size() < batchSize) {
                throw new IllegalArgumentException(
                        input + " holds " + corpus.size() + " readable images, fewer than one batch of " + batchSize);
            }
            ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
            new VitShapleyTrainer(config, System.out)
                    .run(
                            classifier,
                            new VitShapleyTrainer.Images() {
                                @Override
                                public int size() {
                                    return corpus.size();
                                }

                                @Override
                                public float[] pixels(int index) {
                                    try {
                                        return transform.image(decoder.decode(corpus.get(index)));
                                    } catch (BadImageException e) {
                                        throw new IllegalStateException(e); // decoded once already in read()
                                    }
                                }
                            },
                            out);
        }
        return 0;
    }

    /** The first {@code --images} images' bytes; those that cannot be read or decoded are counted and left out. */
    private List<byte[]> read(InputTransform transform, List<String> classNames) throws java.io.IOException {
        List<byte[]> corpus = new ArrayList<>();
        int skipped = 0;
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        try (SparkSession spark = sparkOptions.open("tokentm train-explainer")) {
            InputSpec spec = InputSpec.of(input);
            InputSpec limited = new InputSpec(
                    spec.location(),
                    spec.format(),
                    spec.imageColumn(),
                    spec.pathColumn(),
                    spec.labelColumn(),
                    spec.maskColumn(),
                    spec.masks(),
                    images);
            var rows = ImageInputs.read(spark, limited, classNames);
            boolean hasContent = List.of(rows.columns()).contains(ColumnNames.CONTENT);
            for (Row r : rows.collectAsList()) {
                try {
                    byte[] bytes = hasContent && r.getAs(ColumnNames.CONTENT) != null
                            ? r.getAs(ColumnNames.CONTENT)
                            : Storage.readAll(r.getAs(ColumnNames.PATH));
                    transform.image(decoder.decode(bytes));
                    corpus.add(bytes);
                } catch (BadImageException | UncheckedIOException | IllegalArgumentException e) {
                    skipped++;
                }
            }
        }
        System.out.println("train-explainer: " + corpus.size() + " images from " + input
                + (skipped > 0 ? ", " + skipped + " unreadable left out" : ""));
        return corpus;
    }
}
