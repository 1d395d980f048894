package dev.tokentm.udfs.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.model.VitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The committed sample ({@code data/sample}) as a batch for a model, in manifest order. */
public final class SampleImages {

    private static final Path SAMPLE = Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample");

    private SampleImages() {}

    /** The first {@code n} sample images, decoded and resized as the model's input, {@code [n, 3, H, W]}, unnormalized. */
    public static NDArray first(NDManager manager, VitConfig config, int n)
            throws IOException, dev.tokentm.udfs.image.BadImageException {
        List<String> lines = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        InputTransform transform = new InputTransform(config.preprocessing());
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        int side = transform.side();
        float[] pixels = new float[n * 3 * side * side];
        for (int i = 0; i < n; i++) {
            Path image = SAMPLE.resolve(lines.get(i + 1).split(",")[0]);
            float[] one = transform.image(decoder.decode(Files.readAllBytes(image)));
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        return manager.create(pixels, new Shape(n, 3, side, side));
    }
}
