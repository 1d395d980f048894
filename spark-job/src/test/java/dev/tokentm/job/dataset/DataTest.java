package dev.tokentm.job.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.training.TrainerTestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data: IDX reading (plain, gzipped, malformed), the missing-package message, generation
 * deterministic by seed, the mask is exactly the placed garment, the ImageFolder/manifest writer.
 */
class DataTest {

    @TempDir
    Path dir;

    private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt((type << 8) | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    @Test
    void readsPlainAndGzippedIdx() throws IOException {
        byte[] data = {0, 1, 2, 3, 4, 5, (byte) 200, (byte) 255};
        byte[] file = idx(0x08, new int[] {2, 2, 2}, data);
        Files.write(dir.resolve("plain"), file);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("packed.gz")))) {
            out.write(file);
        }
        for (String name : new String[] {"plain", "packed.gz"}) {
            IdxFile idx = IdxFile.read(dir.resolve(name));
            assertArrayEquals(new int[] {2, 2, 2}, idx.dimensions());
            assertEquals(2, idx.count());
            assertEquals(4, idx.itemSize());
            assertEquals(200, idx.value(1, 2));
            assertEquals(255, idx.value(1, 3));
        }
    }

    @Test
    void rejectsMalformedIdx() throws IOException {
        Files.write(dir.resolve("floats"), idx(0x0D, new int[] {1}, new byte[4]));
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(dir.resolve("floats")))
                .getMessage()
                .contains("0xd"));
        Files.write(dir.resolve("short"), idx(0x08, new int[] {10}, new byte[3]));
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(dir.resolve("short")))
                .getMessage()
                .contains("truncated"));
        Files.write(dir.resolve("text"), "hello world, not idx".getBytes());
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(dir.resolve("text")))
                .getMessage()
                .contains("not an IDX"));
    }

    @Test
    void namesTheDebianPackageWhenFashionMnistIsMissing() {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.train(dir));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void generationIsDeterministicBySeedAndTheMaskIsThePlacedGarment() {
        ClutterSettings clean = new ClutterSettings(32, 20, 28, 0, 6, 10, 0.0, 0.0, 0.2);
        ClutteredFashionMnist plain = new ClutteredFashionMnist(TrainerTestData.bars(8, 3), clean);
        ClutteredSample a = plain.generate(3, 11);
        ClutteredSample b = plain.generate(3, 11);
        ClutteredSample c = plain.generate(3, 12);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.mask(), b.mask());
        assertFalse(java.util.Arrays.equals(a.pixels(), c.pixels()), "another seed, another image");
        // Without noise, texture or fragments the background is one flat colour: exactly the pixels
        // off the mask keep it, and the mask is the garment's footprint.
        int plane = 32 * 32;
        int offMask = -1;
        for (int p = 0; p < plane; p++) {
            if (!a.mask()[p]) {
                offMask = p;
                break;
            }
        }
        int masked = 0;
        for (int p = 0; p < plane; p++) {
            boolean background =
                    a.pixels()[p] == a.pixels()[offMask] && a.pixels()[plane + p] == a.pixels()[plane + offMask];
            if (a.mask()[p]) {
                masked++;
                assertFalse(background, "masked pixel " + p + " shows the background");
            }
        }
        // A bar of 8x24 source pixels scaled to 20..28 px covers roughly 100..220 pixels.
        assertTrue(masked > 80 && masked < 260, "mask area " + masked);
        assertEquals(a.label(), 1);
    }

    @Test
    void writesImageFolderMasksAndManifest() throws IOException {
        ClutteredFashionMnist generator = new ClutteredFashionMnist(
                TrainerTestData.bars(4, 3), new ClutterSettings(32, 20, 28, 2, 6, 10, 0.1, 0.03, 0.2));
        List<ClutteredSample> samples = List.of(generator.generate(0, 1), generator.generate(1, 1));
        DatasetWriter.write(dir, samples, List.of("vertical", "horizontal"));
        List<String> manifest = Files.readAllLines(dir.resolve("manifest.csv"));
        assertEquals(
                List.of(
                        "path,label,mask_path",
                        "images/vertical/00000.png,0,masks/vertical/00000.png",
                        "images/horizontal/00001.png,1,masks/horizontal/00001.png"),
                manifest);
        BufferedImage image =
                ImageIO.read(dir.resolve("images/horizontal/00001.png").toFile());
        BufferedImage mask =
                ImageIO.read(dir.resolve("masks/horizontal/00001.png").toFile());
        assertEquals(32, image.getWidth());
        int p = 0;
        while (!samples.get(1).mask()[p]) {
            p++;
        }
        assertEquals(255, mask.getRaster().getSample(p % 32, p / 32, 0));
        int red = (image.getRGB(p % 32, p / 32) >> 16) & 0xff;
        assertEquals(Math.round(samples.get(1).pixels()[p] * 255), red);
    }
}
