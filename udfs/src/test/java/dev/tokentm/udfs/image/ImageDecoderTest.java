package dev.tokentm.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.model.Preprocessing;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;

/**
 * Odd inputs: each is either read correctly or rejected with a message that names the problem.
 * RGB, grey (not gamma-shifted), 16-bit, alpha, palette and CMYK JPEG inputs are read; empty,
 * unknown, truncated PNG and JPEG, over-size and decompression-bomb inputs are rejected;
 * shorter-side resize and centre crop keep image and mask aligned.
 */
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    @Test
    void rgbPngKeepsItsValues() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 0, 0x10_80_F0);
        float[] rgb = RgbPixels.of(decoder.decode(encode(image, "png")));
        assertEquals(0x10 / 255f, rgb[1], 1e-7);
        assertEquals(0x80 / 255f, rgb[6 + 1], 1e-7);
        assertEquals(0xF0 / 255f, rgb[12 + 1], 1e-7);
    }

    @Test
    void greyIsReplicatedNotGammaShifted() throws Exception {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 128);
        float[] rgb = RgbPixels.of(decoder.decode(encode(grey, "png")));
        // getRGB would report ~0.74 here: Java treats TYPE_BYTE_GRAY as linear light.
        assertEquals(128 / 255f, rgb[0], 1e-7);
        assertEquals(128 / 255f, rgb[4], 1e-7);
        assertEquals(128 / 255f, rgb[8], 1e-7);
    }

    @Test
    void sixteenBitSamplesAreScaledByTheirRange() throws Exception {
        BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(0, 0, 0, 49151); // 0.75 of 65535
        grey16.getRaster().setSample(1, 0, 0, 65535);
        float[] rgb = RgbPixels.of(decoder.decode(encode(grey16, "png")));
        assertEquals(0.75f, rgb[0], 1e-4);
        assertEquals(1f, rgb[1], 1e-7);
    }

    @Test
    void alphaIsDroppedKeepingTheStoredColour() throws Exception {
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x40_C8_64_32); // alpha 0x40
        float[] rgb = RgbPixels.of(decoder.decode(encode(argb, "png")));
        assertArrayEquals3(new float[] {0xC8 / 255f, 0x64 / 255f, 0x32 / 255f}, rgb);
    }

    @Test
    void palettePngGoesThroughItsColourTable() throws Exception {
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(0, 0, 0xFF0000);
        float[] rgb = RgbPixels.of(decoder.decode(encode(indexed, "png")));
        assertEquals(1f, rgb[0], 1e-7);
        assertEquals(0f, rgb[2], 1e-7);
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws Exception {
        // A 4-channel JPEG without an Adobe marker is CMYK to readers; ImageIO's own reader refuses it.
        WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {0, 255, 255, 0}); // pure red ink on the Adobe-inverted scale
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        BufferedImage decoded = decoder.decode(out.toByteArray());
        assertEquals(16, decoded.getWidth());
        float[] rgb = RgbPixels.of(decoded);
        assertEquals(3 * 256, rgb.length);
        assertTrue(Float.isFinite(rgb[0]) && rgb[0] >= 0 && rgb[0] <= 1);
    }

    @Test
    void badInputsNameTheirProblem() throws Exception {
        assertMessage("empty file", new byte[0]);
        assertMessage("not a known image format", "hello, not an image".getBytes());
        byte[] png = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");
        assertMessage("cannot decode", Arrays.copyOf(png, png.length / 2));
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noisy.setRGB(x, y, r.nextInt());
            }
        }
        byte[] jpeg = encode(noisy, "jpeg");
        assertMessage("truncated", Arrays.copyOf(jpeg, jpeg.length / 2));
        assertMessage("more than the", bomb(100_000, 100_000));
        ImageDecoder small = new ImageDecoder(new ImageLimits(png.length - 1, 1_000_000));
        BadImageException big = assertThrows(BadImageException.class, () -> small.decode(png));
        assertTrue(big.getMessage().contains("byte limit"), big.getMessage());
    }

    @Test
    void transformResizesShorterSideAndCropsTheCentre() throws Exception {
        // 100x50 with timm's default for 32 px: shorter side to 36 (72x36), then the centre 32x32.
        BufferedImage image = new BufferedImage(100, 50, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage mask = new BufferedImage(100, 50, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 50; y++) {
            for (int x = 50; x < 100; x++) {
                image.getRaster().setSample(x, y, 0, 255);
                mask.getRaster().setSample(x, y, 0, 255);
            }
        }
        InputTransform transform = new InputTransform(Preprocessing.timmDefault(32));
        boolean[] m = transform.mask(mask);
        float[] pixels = transform.image(image);
        // The right half starts at x = 36 of the 72-wide resize, i.e. column 36 - 20 = 16 of the crop.
        for (int x = 0; x < 32; x++) {
            assertEquals(x >= 16, m[5 * 32 + x], "mask column " + x);
            if (x < 14 || x > 17) {
                assertEquals(x >= 16 ? 1f : 0f, pixels[5 * 32 + x], 1e-6f, "pixel column " + x);
            }
        }
        assertEquals(3 * 32 * 32, pixels.length);
    }

    private void assertMessage(String expected, byte[] bytes) {
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(bytes));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say '" + expected + "'");
    }

    private static void assertArrayEquals3(float[] expected, float[] actual) {
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], actual[c], 1e-7, "channel " + c);
        }
    }

    /** A PNG whose header declares {@code width × height} pixels, followed by a token of data. */
    static byte[] bomb(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", deflated(new byte[4096]));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] deflated(byte[] data) {
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(data);
        d.finish();
        byte[] buffer = new byte[8192];
        int n = d.deflate(buffer);
        return Arrays.copyOf(buffer, n);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
