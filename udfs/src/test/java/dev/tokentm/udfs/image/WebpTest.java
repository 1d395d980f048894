package dev.tokentm.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.model.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebP, as web-scraped corpora are, through the job's decoder (TwelveMonkeys' reader): lossy,
 * lossless and both with alpha, made by libwebp's {@code cwebp} from the PNGs beside them (a 24x24
 * gradient; the alpha one opaque, half and fully transparent in bands). Lossless files give the
 * PNG's pixels exactly, alpha included, and the same model input; lossy ones stay within a few
 * levels of it.
 */
class WebpTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    private final InputTransform transform = new InputTransform(Preprocessing.timmDefault(32));

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebpTest.class.getResourceAsStream("/images/webp/" + name)) {
            return in.readAllBytes();
        }
    }

    private BufferedImage decode(String name) throws Exception {
        return decoder.decode(resource(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossless", "lossless-alpha"})
    void losslessWebpIsThePngPixelForPixel(String variant) throws Exception {
        String png = variant.endsWith("alpha") ? "source-alpha.png" : "source.png";
        BufferedImage webp = decode(variant + ".webp");
        BufferedImage source = decode(png);
        assertEquals(24, webp.getWidth());
        assertEquals(24, webp.getHeight());
        assertEquals(source.getColorModel().hasAlpha(), webp.getColorModel().hasAlpha());
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                assertEquals(
                        Integer.toHexString(source.getRGB(x, y)), Integer.toHexString(webp.getRGB(x, y)), x + "," + y);
            }
        }
        assertArrayEquals(transform.image(source), transform.image(webp), 0f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossy", "lossy-alpha"})
    void lossyWebpIsCloseToThePng(String variant) throws Exception {
        boolean alpha = variant.endsWith("alpha");
        BufferedImage webp = decode(variant + ".webp");
        BufferedImage source = decode(alpha ? "source-alpha.png" : "source.png");
        assertEquals(alpha, webp.getColorModel().hasAlpha());
        double error = 0;
        int opaque = 0;
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 16; x++) { // the opaque band
                int a = source.getRGB(x, y);
                int b = webp.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    error += Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff));
                }
                opaque++;
            }
        }
        double mean = error / (3.0 * opaque);
        assertTrue(mean < 6, "mean absolute error " + mean + " levels");
        if (alpha) {
            assertEquals(255, webp.getRGB(0, 0) >>> 24);
            assertEquals(0, webp.getRGB(23, 23) >>> 24);
        }
        assertEquals(3 * 32 * 32, transform.image(webp).length);
    }
}
