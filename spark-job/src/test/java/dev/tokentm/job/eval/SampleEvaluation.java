package dev.tokentm.job.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.job.data.SampleImages;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.metrics.FaithfulnessEvaluator;
import dev.tokentm.udfs.metrics.FaithfulnessTotals;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationTest;
import dev.tokentm.udfs.metrics.TargetMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Runs every method on a manifest's images with a model and prints dataset metrics per method;
 * writes a grid of heatmap overlays. A measurement tool, not a test:
 * {@code java -cp ... dev.tokentm.job.eval.SampleEvaluation MODEL SAMPLE_DIR OUT_PNG [LIMIT]}.
 */
public final class SampleEvaluation {

    public static void main(String[] args) throws Exception {
        String model = args[0];
        Path sample = Path.of(args[1]);
        Path overlay = Path.of(args[2]);
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        SampleImages images = new SampleImages(sample);
        int n = Math.min(limit, images.size());
        List<Explainer> methods = new ArrayList<>();
        for (String name : ExplainerRegistry.names()) {
            methods.add(ExplainerRegistry.get(name));
        }
        Map<String, FaithfulnessTotals> totals = new LinkedHashMap<>();
        Map<String, List<float[]>> maps = new LinkedHashMap<>();
        List<BufferedImage> shown = new ArrayList<>();
        FaithfulnessEvaluator evaluator = new FaithfulnessEvaluator(PerturbationTest.published());
        long start = System.nanoTime();
        try (ModelLoader.LoadedModel loaded =
                        ModelLoader.load(model, ModelLoader.Options.defaults().withDevice(Device.cpu()));
                NDManager manager = NDManager.newBaseManager()) {
            int side = loaded.model().config().imageSize();
            for (int first = 0; first < n; first += 16) {
                int b = Math.min(16, n - first);
                SampleImages.Batch batch = images.read(first, b, side);
                List<FaithfulnessEvaluator.Mask> masks = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    masks.add(new FaithfulnessEvaluator.Mask(batch.masks().get(i), side, side));
                    if (first + i < 8) {
                        shown.add(batch.images().get(i));
                    }
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray raw = scope.create(batch.pixels(), new Shape(b, 3, side, side));
                    for (ImageResult r : evaluator.evaluate(
                            loaded.model(), raw, batch.labels(), masks, methods, TargetMode.PREDICTED)) {
                        totals.merge(
                                r.method(),
                                FaithfulnessTotals.empty(r.positive().fractions())
                                        .add(r.positive(), r.negative(), r.segmentation()),
                                (a, c) -> a.add(r.positive(), r.negative(), r.segmentation()));
                        if (first + r.index() < 8) {
                            maps.computeIfAbsent(r.method(), k -> new ArrayList<>())
                                    .add(r.heatmap());
                        }
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%d images, %d methods, %.0f s%n",
                    n,
                    methods.size(),
                    (System.nanoTime() - start) / 1e9);
            System.out.printf(
                    Locale.ROOT,
                    "%-24s %8s %8s %8s %8s %8s %8s %8s %8s%n",
                    "method",
                    "acc@0",
                    "AUC+",
                    "AUC-",
                    "AOPC",
                    "LOdds",
                    "pixAcc",
                    "mIoU",
                    "mAP");
            for (Map.Entry<String, FaithfulnessTotals> e : totals.entrySet()) {
                DatasetMetrics m = DatasetMetrics.of(e.getValue());
                System.out.printf(
                        Locale.ROOT,
                        "%-24s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f%n",
                        e.getKey(),
                        m.accuracyPositive()[0],
                        m.aucPositive(),
                        m.aucNegative(),
                        m.aopc(),
                        m.logOdds(),
                        m.pixelAccuracy(),
                        m.meanIou(),
                        m.meanAveragePrecision());
            }
            writeOverlays(overlay, shown, maps, loaded.model().config().gridSize());
        }
    }

    private static void writeOverlays(Path out, List<BufferedImage> images, Map<String, List<float[]>> maps, int grid)
            throws Exception {
        int cell = 128;
        BufferedImage sheet =
                new BufferedImage(cell * (maps.size() + 1), cell * images.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        for (int row = 0; row < images.size(); row++) {
            g.drawImage(images.get(row), 0, row * cell, cell, cell, null);
            int col = 1;
            for (List<float[]> perMethod : maps.values()) {
                float[] map = perMethod.get(row);
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (float v : map) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                g.drawImage(images.get(row), col * cell, row * cell, cell, cell, null);
                int step = cell / grid;
                for (int y = 0; y < grid; y++) {
                    for (int x = 0; x < grid; x++) {
                        float v = max > min ? (map[y * grid + x] - min) / (max - min) : 0;
                        g.setColor(new Color(1f, 0f, 0f, 0.75f * v));
                        g.fillRect(col * cell + x * step, row * cell + y * step, step, step);
                    }
                }
                col++;
            }
        }
        g.setColor(Color.WHITE);
        int col = 1;
        for (String name : maps.keySet()) {
            g.drawString(name, col * cell + 3, 12);
            col++;
        }
        g.dispose();
        ImageIO.write(sheet, "png", out.toFile());
    }
}
