package dev.tokentm.udfs.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.metrics.ImageFacts;
import dev.tokentm.udfs.metrics.ModelRandomization;
import dev.tokentm.udfs.metrics.SanityCheck;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.table.SanityTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * The sanity checks over one partition of the sample (the sample is small: a partition's images
 * are held in memory). Every method's maps are computed with the trained model, for a random other
 * class, and with each model of the randomization cascade, which is built once per partition and
 * step and freed after it; rows compare them per image ({@link SanityTable}). Images that cannot
 * be read are left out (the images table has their error rows).
 */
public final class SanityPartition implements MapPartitionsFunction<Row, Row> {

    private final ExplainSettings settings;
    private final InputColumns columns;

    public SanityPartition(ExplainSettings settings, InputColumns columns) {
        this.settings = settings;
        this.columns = columns;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskModel task = TaskModel.open(settings);
        VisionTransformer model = task.model();
        int classes = model.config().numClasses();
        List<InputImage> images = new ArrayList<>();
        while (rows.hasNext()) {
            Row row = rows.next();
            try {
                images.add(task.read(row, columns, InputImage.source(row, columns)));
            } catch (BadImageException | RuntimeException e) {
                // left out: the images table holds this image's error row
            }
        }
        List<Explainer> explainers =
                settings.methods().stream().map(ExplainerRegistry::get).toList();
        List<Row> out = new ArrayList<>();
        int batchSize = settings.batchSize();
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            for (int first = 0; first < images.size(); first += batchSize) {
                List<InputImage> batch = images.subList(first, Math.min(images.size(), first + batchSize));
                out.addAll(check(
                        model, manager, batch, explainers, task.transform().side(), classes));
            }
        }
        return out.iterator();
    }

    private List<Row> check(
            VisionTransformer model,
            NDManager manager,
            List<InputImage> batch,
            List<Explainer> explainers,
            int side,
            int classes) {
        int n = batch.size();
        InputImage.Batch stacked = InputImage.stack(batch, side, settings.seed());
        long[] seeds = stacked.facts().stream().mapToLong(ImageFacts::seed).toArray();
        int[] labels = stacked.facts().stream().mapToInt(ImageFacts::label).toArray();
        NDArray images = manager.create(stacked.pixels(), new Shape(n, 3, side, side));
        int steps = ModelRandomization.cascade(model.config()).size();
        List<Row> rows = new ArrayList<>();
        for (TargetMode mode : settings.targets()) {
            TargetClasses targets =
                    mode == TargetMode.LABEL ? TargetClasses.labelsOrPredicted(labels) : TargetClasses.predicted();
            SanityCheck.Heatmaps trained = SanityCheck.heatmaps(model, images, targets, explainers);
            int[] explained = trained.classes();
            int[] random = SanityCheck.randomOtherClasses(explained, classes, seeds);
            SanityCheck.Heatmaps other = SanityCheck.heatmaps(model, images, TargetClasses.of(random), explainers);
            double[][][] cascade = new double[explainers.size()][n][steps];
            for (int s = 1; s <= steps; s++) {
                try (VisionTransformer randomized = ModelRandomization.randomized(model, s, settings.seed())) {
                    SanityCheck.Heatmaps maps =
                            SanityCheck.heatmaps(randomized, images, TargetClasses.of(explained), explainers);
                    for (int m = 0; m < explainers.size(); m++) {
                        for (int b = 0; b < n; b++) {
                            cascade[m][b][s - 1] = SanityCheck.spearman(trained.maps()[m][b], maps.maps()[m][b]);
                        }
                    }
                }
            }
            for (int m = 0; m < explainers.size(); m++) {
                for (int b = 0; b < n; b++) {
                    rows.add(SanityTable.row(new SanityTable.Entry(
                            batch.get(b).source().imageId(),
                            explainers.get(m).name(),
                            mode.label(),
                            explained[b],
                            random[b],
                            cascade[m][b],
                            SanityCheck.spearman(trained.maps()[m][b], other.maps()[m][b]))));
                }
            }
        }
        return rows;
    }
}
