package dev.tokentm.job.dataset;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * "Cluttered Fashion-MNIST": each garment scaled, tinted with a bright colour and placed at a
 * random position on a larger RGB canvas, over a dark background of stripes, gradients, tinted
 * fragments of other garments and noise, so that the background carries structure that looks like
 * garment parts. The mask is exactly the placed garment. Every image is a pure function of (seed, index).
 */
public final class ClutteredFashionMnist {

    /** The seed of the held-out test images' clutter: training evaluates on it, the sample is made with it. */
    public static final long TEST_SEED = 7;

    private final FashionMnist source;
    private final ClutterSettings settings;
    private final Optional<Shortcut> shortcut;

    public ClutteredFashionMnist(FashionMnist source, ClutterSettings settings) {
        this(source, settings, Optional.empty());
    }

    public ClutteredFashionMnist(FashionMnist source, ClutterSettings settings, Optional<Shortcut> shortcut) {
        this.source = source;
        this.settings = settings;
        this.shortcut = shortcut;
    }

    public ClutterSettings settings() {
        return settings;
    }

    /** Number of garments available (one image per garment per seed). */
    public int size() {
        return source.size();
    }

    /** Image {@code index} (garment {@code index}) under {@code seed}; the same arguments give the same image. */
    public ClutteredSample generate(int index, long seed) {
        if (index < 0 || index >= source.size()) {
            throw new IndexOutOfBoundsException("garment " + index + " of " + source.size());
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int side = settings.canvas();
        float[] pixels = new float[3 * side * side];
        background(pixels, side, random);
        for (int f = 0; f < settings.fragments(); f++) {
            fragment(pixels, side, random, index);
        }
        boolean[] mask = new boolean[side * side];
        int scale = random.nextInt(settings.minScale(), settings.maxScale() + 1);
        int top = random.nextInt(side - scale + 1);
        int left = random.nextInt(side - scale + 1);
        boolean flip = random.nextBoolean();
        float[] color = garmentColor(random);
        for (int y = 0; y < scale; y++) {
            for (int x = 0; x < scale; x++) {
                double alpha = sample(
                        index,
                        (y + 0.5) * FashionMnist.SIDE / scale - 0.5,
                        ((flip ? scale - 1 - x : x) + 0.5) * FashionMnist.SIDE / scale - 0.5);
                int p = (top + y) * side + left + x;
                blend(pixels, side, p, color, alpha);
                mask[p] = alpha > settings.maskThreshold();
            }
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) Math.min(1, Math.max(0, pixels[i] + settings.noise() * random.nextGaussian()));
        }
        int label = source.label(index);
        boolean marked = shortcut.map(s -> s.marks(label, index, seed)).orElse(false);
        if (marked) {
            shortcut.get().draw(pixels, mask, side);
        }
        return new ClutteredSample(pixels, mask, side, label, index, marked);
    }

    private void background(float[] pixels, int side, SplittableRandom random) {
        float[] base = {rand(random, 0.0, 0.4), rand(random, 0.0, 0.4), rand(random, 0.0, 0.4)};
        double angle = random.nextDouble(Math.PI);
        double frequency = random.nextDouble(0.15, 0.6);
        double phase = random.nextDouble(2 * Math.PI);
        double[] stripe = {random.nextDouble(-1, 1), random.nextDouble(-1, 1), random.nextDouble(-1, 1)};
        double gx = random.nextDouble(-1, 1);
        double gy = random.nextDouble(-1, 1);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double wave = Math.sin(frequency * (x * Math.cos(angle) + y * Math.sin(angle)) + phase);
                double ramp = (gx * (x - side / 2.0) + gy * (y - side / 2.0)) / side;
                for (int c = 0; c < 3; c++) {
                    pixels[c * side * side + y * side + x] =
                            (float) (base[c] + settings.texture() * (stripe[c] * wave + ramp));
                }
            }
        }
    }

    /** A tinted crop of another garment, possibly enlarged, pasted with its intensity as alpha. */
    private void fragment(float[] pixels, int side, SplittableRandom random, int exclude) {
        int other = random.nextInt(source.size());
        if (other == exclude) {
            other = (other + 1) % source.size();
        }
        int h = random.nextInt(settings.fragmentMin(), settings.fragmentMax() + 1);
        int w = random.nextInt(settings.fragmentMin(), settings.fragmentMax() + 1);
        int cropTop = random.nextInt(FashionMnist.SIDE - h + 1);
        int cropLeft = random.nextInt(FashionMnist.SIDE - w + 1);
        double zoom = random.nextDouble(1.0, 1.3);
        int outH = (int) Math.round(h * zoom);
        int outW = (int) Math.round(w * zoom);
        int top = random.nextInt(-outH / 2, side - outH / 2);
        int left = random.nextInt(-outW / 2, side - outW / 2);
        float[] color = garmentColor(random);
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int py = top + y;
                int px = left + x;
                if (py < 0 || px < 0 || py >= side || px >= side) {
                    continue;
                }
                double alpha = sample(other, cropTop + (y + 0.5) / zoom - 0.5, cropLeft + (x + 0.5) / zoom - 0.5);
                blend(pixels, side, py * side + px, color, alpha);
            }
        }
    }

    /** Bilinear sample of garment i at fractional (row, col), 0 outside. */
    private double sample(int garment, double row, double col) {
        int r0 = (int) Math.floor(row);
        int c0 = (int) Math.floor(col);
        double fr = row - r0;
        double fc = col - c0;
        return (1 - fr) * ((1 - fc) * at(garment, r0, c0) + fc * at(garment, r0, c0 + 1))
                + fr * ((1 - fc) * at(garment, r0 + 1, c0) + fc * at(garment, r0 + 1, c0 + 1));
    }

    private double at(int garment, int row, int col) {
        if (row < 0 || col < 0 || row >= FashionMnist.SIDE || col >= FashionMnist.SIDE) {
            return 0;
        }
        return source.pixel(garment, row, col);
    }

    private static void blend(float[] pixels, int side, int p, float[] color, double alpha) {
        if (alpha <= 0) {
            return;
        }
        for (int c = 0; c < 3; c++) {
            int i = c * side * side + p;
            pixels[i] = (float) ((1 - alpha) * pixels[i] + alpha * color[c]);
        }
    }

    /**
     * A bright tint. Garments are lighter than the (dark) background, as in Fashion-MNIST; with
     * random contrast polarity a small ViT does not learn the task at this budget. Fragments get
     * the same kind of tint, so they look like garment parts.
     */
    private static float[] garmentColor(SplittableRandom random) {
        return new float[] {rand(random, 0.45, 1), rand(random, 0.45, 1), rand(random, 0.45, 1)};
    }

    private static float rand(SplittableRandom random, double lo, double hi) {
        return (float) random.nextDouble(lo, hi);
    }
}
