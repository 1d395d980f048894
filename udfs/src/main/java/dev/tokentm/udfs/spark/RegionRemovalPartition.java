package dev.tokentm.udfs.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.metrics.ImageFacts;
import dev.tokentm.udfs.metrics.ObjectMask;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.Removal;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.RegionTestTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * The region-removal test over one partition ({@link VitRegionTest}): each image is classified as
 * it is and with the cells of its region removed by the protocol's {@link Removal}, in one batch of
 * both, and the tested class's probabilities are kept. Where the image has an object mask, only the
 * region's pixels away from the object are removed ({@link #near}): the test asks whether the model
 * uses something other than the object there, so removing the object itself would prove nothing. Rows stream through in batches; an image that
 * cannot be read gets a row with its error.
 *
 * @param positions where the region, tested class and key columns are in the input rows
 * @param grid the region's cells are of a {@code grid × grid} frame
 * @param removal the protocol whose {@link Removal} replaces the region (the enum travels, not the removal)
 */
final class RegionRemovalPartition implements MapPartitionsFunction<Row, Row> {

    /** Positions of the test's own columns. */
    record Positions(int region, int testedClass, int key) implements java.io.Serializable {}

    private final ExplainSettings settings;
    private final InputColumns columns;
    private final Positions positions;
    private final int grid;
    private final Protocol removal;

    RegionRemovalPartition(
            ExplainSettings settings, InputColumns columns, Positions positions, int grid, Protocol removal) {
        this.settings = settings;
        this.columns = columns;
        this.positions = positions;
        this.grid = grid;
        this.removal = removal;
    }

    /** One readable image and what to test on it. */
    private record Case(InputImage image, String key, int testedClass, int[] cells) {}

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskModel task = TaskModel.open(settings);
        return new Iterator<>() {
            private final List<Row> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                while (next == ready.size() && rows.hasNext()) {
                    ready.clear();
                    next = 0;
                    List<Case> batch = new ArrayList<>();
                    while (rows.hasNext() && batch.size() < settings.batchSize()) {
                        Row row = rows.next();
                        ImageTable.Source source = InputImage.source(row, columns);
                        String key = row.getString(positions.key());
                        int tested = row.getInt(positions.testedClass());
                        try {
                            InputImage image = task.read(row, columns, source);
                            batch.add(new Case(image, key, tested, cells(row)));
                        } catch (BadImageException | RuntimeException e) {
                            ready.add(RegionTestTable.row(new RegionTestTable.Entry(
                                    source.imageId(), key, tested, Double.NaN, Double.NaN, e.getMessage())));
                        }
                    }
                    if (!batch.isEmpty()) {
                        ready.addAll(test(task.model(), batch, task.transform().side()));
                    }
                }
                return next < ready.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    private int[] cells(Row row) {
        List<Integer> list = row.getList(positions.region());
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The object and its surroundings: the mask dilated by {@code side/32} pixels (2 at 64, 7 at 224),
     * so the gaps of a thin object (a sandal's straps) stay; null without a mask.
     */
    static boolean[] near(ObjectMask mask, int side) {
        if (mask == null) {
            return null;
        }
        int r = Math.max(1, side / 32);
        boolean[] out = new boolean[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                if (!mask.foreground()[y * side + x]) {
                    continue;
                }
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && xx >= 0 && yy < side && xx < side) {
                            out[yy * side + xx] = true;
                        }
                    }
                }
            }
        }
        return out;
    }

    private List<Row> test(VisionTransformer model, List<Case> batch, int side) {
        int n = batch.size();
        InputImage.Batch stacked =
                InputImage.stack(batch.stream().map(Case::image).toList(), side, settings.seed());
        float[] keep = new float[n * side * side];
        for (int b = 0; b < n; b++) {
            boolean[] region = new boolean[grid * grid];
            for (int c : batch.get(b).cells()) {
                region[c] = true;
            }
            boolean[] near = near(batch.get(b).image().mask(), side);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int cell = (int) ((y + 0.5) * grid / side) * grid + (int) ((x + 0.5) * grid / side);
                    boolean object = near != null && near[y * side + x];
                    keep[b * side * side + y * side + x] = region[cell] && !object ? 0 : 1;
                }
            }
        }
        long[] seeds = stacked.facts().stream().mapToLong(ImageFacts::seed).toArray();
        List<Row> out = new ArrayList<>(n);
        try (NDManager scope = NDManager.newBaseManager(model.device())) {
            NDArray images = scope.create(stacked.pixels(), new Shape(n, 3, side, side));
            NDArray removed = removal.removal().apply(images, scope.create(keep, new Shape(n, 1, side, side)), seeds);
            NDArray both = NDArrays.concat(new ai.djl.ndarray.NDList(images, removed), 0);
            float[] p = model.logits(model.config().preprocessing().normalize(both))
                    .softmax(1)
                    .toFloatArray();
            int classes = p.length / (2 * n);
            for (int b = 0; b < n; b++) {
                Case c = batch.get(b);
                out.add(RegionTestTable.row(new RegionTestTable.Entry(
                        c.image().source().imageId(),
                        c.key(),
                        c.testedClass(),
                        p[b * classes + c.testedClass()],
                        p[(n + b) * classes + c.testedClass()],
                        null)));
            }
        }
        return out;
    }
}
