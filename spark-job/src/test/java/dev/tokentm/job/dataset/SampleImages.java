package dev.tokentm.job.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Reads rows of a {@code manifest.csv} sample (as written by {@link DatasetWriter}) for tests and tools. */
public final class SampleImages {

    /**
     * Decoded images and their masks.
     *
     * @param pixels RGB in [0,1], {@code [count][3][side][side]} flattened
     * @param labels one per image
     * @param masks one per image, row-major, true on the object
     * @param images the decoded images, for display
     */
    public record Batch(float[] pixels, int[] labels, List<boolean[]> masks, List<BufferedImage> images) {}

    private final Path dir;
    private final List<String[]> rows = new ArrayList<>();

    public SampleImages(Path dir) throws IOException {
        this.dir = dir;
        List<String> lines = Files.readAllLines(dir.resolve("manifest.csv"));
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(","));
        }
    }

    public int size() {
        return rows.size();
    }

    /** Images {@code from .. from+count-1}, which must all be {@code side × side}. */
    public Batch read(int from, int count, int side) throws IOException {
        float[] pixels = new float[count * 3 * side * side];
        int[] labels = new int[count];
        List<boolean[]> masks = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] cells = rows.get(from + i);
            labels[i] = Integer.parseInt(cells[1]);
            BufferedImage image = ImageIO.read(dir.resolve(cells[0]).toFile());
            BufferedImage mask = ImageIO.read(dir.resolve(cells[2]).toFile());
            boolean[] foreground = new boolean[side * side];
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int rgb = image.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        pixels[((i * 3 + c) * side + y) * side + x] = ((rgb >> (16 - 8 * c)) & 0xff) / 255f;
                    }
                    foreground[y * side + x] = mask.getRaster().getSample(x, y, 0) > 127;
                }
            }
            masks.add(foreground);
            images.add(image);
        }
        return new Batch(pixels, labels, masks, images);
    }
}
