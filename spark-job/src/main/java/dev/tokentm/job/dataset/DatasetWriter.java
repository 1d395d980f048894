package dev.tokentm.job.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes cluttered images as an ImageFolder tree ({@code images/<class>/<id>.png}), a parallel tree
 * of masks ({@code masks/<class>/<id>.png}, white on the object) and {@code manifest.csv} with
 * {@code path,label,mask_path} relative to the root, and {@code marked} (true or false) when a
 * shortcut was planted.
 */
public final class DatasetWriter {

    private DatasetWriter() {}

    /** The manifest's column saying which images carry a planted shortcut. */
    public static final String MARKED = "marked";

    public static void write(Path root, List<ClutteredSample> samples, List<String> classNames) throws IOException {
        write(root, samples, classNames, false);
    }

    /** @param markedColumn whether the manifest gets the {@value #MARKED} column */
    public static void write(Path root, List<ClutteredSample> samples, List<String> classNames, boolean markedColumn)
            throws IOException {
        Files.createDirectories(root);
        try (Writer manifest = Files.newBufferedWriter(root.resolve("manifest.csv"), StandardCharsets.UTF_8)) {
            manifest.write("path,label,mask_path" + (markedColumn ? "," + MARKED : "") + "\n");
            for (ClutteredSample s : samples) {
                String className = classNames.get(s.label());
                String id = String.format("%05d", s.source());
                String image = "images/" + className + "/" + id + ".png";
                String mask = "masks/" + className + "/" + id + ".png";
                save(rgb(s), root.resolve(image));
                save(mask(s), root.resolve(mask));
                manifest.write(image + "," + s.label() + "," + mask + (markedColumn ? "," + s.marked() : "") + "\n");
            }
        }
    }

    private static void save(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    static BufferedImage rgb(ClutteredSample s) {
        int side = s.side();
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int plane = side * side;
        for (int p = 0; p < plane; p++) {
            int r = Math.round(s.pixels()[p] * 255);
            int g = Math.round(s.pixels()[plane + p] * 255);
            int b = Math.round(s.pixels()[2 * plane + p] * 255);
            image.setRGB(p % side, p / side, (r << 16) | (g << 8) | b);
        }
        return image;
    }

    static BufferedImage mask(ClutteredSample s) {
        int side = s.side();
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < side * side; p++) {
            image.getRaster().setSample(p % side, p / side, 0, s.mask()[p] ? 255 : 0);
        }
        return image;
    }
}
