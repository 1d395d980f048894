package dev.tokentm.udfs.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.io.StorageUnavailableException;
import dev.tokentm.udfs.metrics.FaithfulnessEvaluator;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.table.ImageTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;
import org.apache.spark.sql.Row;

/**
 * Streams a partition through the model: pulls one batch of input rows at a time, so memory
 * holds one batch, not the partition. An image that cannot be read becomes an error row; a batch
 * whose evaluation fails is retried image by image, so only the culprit gets an error row.
 */
final class ExplainingIterator implements Iterator<Row> {

    private final Iterator<Row> input;
    private final InputColumns columns;
    private final ExplainSettings settings;
    private final ModelLoader.LoadedModel model;
    private final List<Explainer> explainers;
    private final FaithfulnessEvaluator evaluator;
    private final ImageDecoder decoder;
    private final InputTransform transform;
    private final String device;
    private final LongConsumer imagesDone;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final Storage.Reader files = Storage.reader();

    ExplainingIterator(
            Iterator<Row> input,
            InputColumns columns,
            ExplainSettings settings,
            ModelLoader.LoadedModel model,
            List<Explainer> explainers,
            FaithfulnessEvaluator evaluator,
            LongConsumer imagesDone) {
        this.input = input;
        this.columns = columns;
        this.settings = settings;
        this.model = model;
        this.explainers = explainers;
        this.evaluator = evaluator;
        this.decoder = new ImageDecoder(settings.limits());
        this.transform = new InputTransform(model.model().config().preprocessing());
        this.device = model.model().device().toString();
        this.imagesDone = imagesDone;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && input.hasNext()) {
            nextBatch();
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void nextBatch() {
        int classes = model.model().config().numClasses();
        List<InputImage> batch = new ArrayList<>();
        while (batch.size() < settings.batchSize() && input.hasNext()) {
            Row row = input.next();
            ImageTable.Source source = InputImage.source(row, columns);
            try {
                batch.add(InputImage.read(row, columns, source, files, decoder, transform, classes));
            } catch (StorageUnavailableException e) {
                throw e; // a fault of the run, not of the image: the task fails and Spark retries it
            } catch (BadImageException | RuntimeException e) {
                ready.add(ImageTable.error(source, message(e)));
                imagesDone.accept(1);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            ready.addAll(evaluate(batch));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                ready.add(ImageTable.error(batch.get(0).source(), "explaining failed: " + message(e)));
            } else {
                for (InputImage image : batch) {
                    try {
                        ready.addAll(evaluate(List.of(image)));
                    } catch (RuntimeException single) {
                        ready.add(ImageTable.error(image.source(), "explaining failed: " + message(single)));
                    }
                }
            }
        }
        imagesDone.accept(batch.size());
    }

    private List<Row> evaluate(List<InputImage> batch) {
        int side = transform.side();
        int n = batch.size();
        InputImage.Batch stacked = InputImage.stack(batch, side, settings.seed());
        List<Row> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(model.model().device())) {
            NDArray images = manager.create(stacked.pixels(), new Shape(n, 3, side, side));
            for (ImageResult r :
                    evaluator.evaluate(model.model(), images, stacked.facts(), explainers, settings.targets())) {
                rows.add(ImageTable.result(batch.get(r.index()).source(), r, device));
            }
        }
        return rows;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
