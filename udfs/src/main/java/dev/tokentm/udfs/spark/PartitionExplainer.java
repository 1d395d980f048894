package dev.tokentm.udfs.spark;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.FaithfulnessEvaluator;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code mapPartitions} function: takes the executor's cached model on the task's device
 * (Spark's assigned GPU or the CPU), gives PyTorch the task's CPUs, and streams the partition's
 * rows through the explainers in batches ({@link ExplainingIterator}).
 */
public final class PartitionExplainer implements MapPartitionsFunction<Row, Row> {

    private final ExplainSettings settings;
    private final InputColumns columns;
    private final LongAccumulator imagesDone;

    /**
     * @param imagesDone counts images finished (explained or failed), for the driver's progress
     *     line; null for none
     */
    public PartitionExplainer(ExplainSettings settings, InputColumns columns, LongAccumulator imagesDone) {
        this.settings = settings;
        this.columns = columns;
        this.imagesDone = imagesDone;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        DjlRuntime.configure();
        TaskContext task = TaskContext.get();
        Device device = TaskDevices.forTask(task);
        ModelLoader.LoadedModel model = ExecutorModels.get(settings, device);
        settings.checkClassifier(model.model().config());
        int threads = settings.threads() > 0 ? settings.threads() : task != null ? task.cpus() : 0;
        if (threads > 0) {
            // Applies to this task's thread: concurrent tasks each get their own threads.
            JniUtils.setNumThreads(threads);
        }
        List<Explainer> explainers =
                settings.methods().stream().map(ExplainerRegistry::get).toList();
        FaithfulnessEvaluator evaluator = new FaithfulnessEvaluator(settings.perturbation(), settings.protocols());
        return new ExplainingIterator(rows, columns, settings, model, explainers, evaluator, n -> {
            if (imagesDone != null) {
                imagesDone.add(n);
            }
        });
    }
}
