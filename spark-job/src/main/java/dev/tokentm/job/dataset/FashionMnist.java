package dev.tokentm.job.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017): 28x28 grayscale garments in 10 classes, 60,000 for training
 * and 10,000 for testing, from Debian's package {@code dataset-fashion-mnist}.
 *
 * @param images one row of 784 pixels per garment
 * @param labels the class of each garment
 */
public record FashionMnist(IdxFile images, IdxFile labels) {

    /** Where Debian's package puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of(
            "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");

    /** Side of a garment image. */
    public static final int SIDE = 28;

    public FashionMnist {
        if (images.count() != labels.count() || images.itemSize() != SIDE * SIDE) {
            throw new IllegalArgumentException("Fashion-MNIST files disagree: " + images.count() + " images of "
                    + images.itemSize() + " pixels, " + labels.count() + " labels");
        }
    }

    /** The training split (60,000). */
    public static FashionMnist train(Path dir) throws IOException {
        return load(dir, "train");
    }

    /** The test split (10,000). */
    public static FashionMnist test(Path dir) throws IOException {
        return load(dir, "t10k");
    }

    private static FashionMnist load(Path dir, String split) throws IOException {
        return new FashionMnist(
                IdxFile.read(find(dir, split + "-images-idx3-ubyte")),
                IdxFile.read(find(dir, split + "-labels-idx1-ubyte")));
    }

    private static Path find(Path dir, String name) throws IOException {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("Fashion-MNIST file " + name + "(.gz) not found in " + dir
                + ". Install Debian's package: apt-get install dataset-fashion-mnist (or pass --fashion-mnist DIR).");
    }

    public int size() {
        return labels.count();
    }

    public int label(int i) {
        return labels.value(i, 0);
    }

    /** Garment i's pixel (row, col) as 0..1. */
    public float pixel(int i, int row, int col) {
        return images.value(i, row * SIDE + col) / 255f;
    }
}
