package dev.tokentm.job.training;

import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.job.dataset.IdxFile;

/** A stand-in for Fashion-MNIST that tests can learn fast. */
public final class TrainerTestData {

    private TrainerTestData() {}

    /** n 28x28 "garments": a thick vertical bar (class 0) or horizontal bar (class 1) at a varying offset. */
    public static FashionMnist bars(int n, int seed) {
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            labels[i] = (byte) label;
            int offset = 4 + r.nextInt(14);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = label == 0
                            ? (x >= offset && x < offset + 8 && y >= 2 && y < 26)
                            : (y >= offset && y < offset + 8 && x >= 2 && x < 26);
                    pixels[i * 784 + y * 28 + x] = (byte) (on ? 255 : 0);
                }
            }
        }
        return new FashionMnist(new IdxFile(new int[] {n, 28, 28}, pixels), new IdxFile(new int[] {n}, labels));
    }
}
