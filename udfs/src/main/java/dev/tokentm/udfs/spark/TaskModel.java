package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.table.ImageTable;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;

/**
 * What a partition function that runs the model over input rows needs: the executor's model on
 * this task's device ({@link ExecutorModels}), and the reader, decoder and transform that turn a row
 * into the model's input.
 */
record TaskModel(VisionTransformer model, InputTransform transform, ImageDecoder decoder, Storage.Reader files) {

    /** For this task: DJL configured, the model loaded once per executor and device. */
    static TaskModel open(ExplainSettings settings) {
        DjlRuntime.configure();
        VisionTransformer model = ExecutorModels.get(settings, TaskDevices.forTask(TaskContext.get()))
                .model();
        return new TaskModel(
                model,
                new InputTransform(model.config().preprocessing()),
                new ImageDecoder(settings.limits()),
                Storage.reader());
    }

    /** One row read and made ready for the model. */
    InputImage read(Row row, InputColumns columns, ImageTable.Source source) throws BadImageException {
        return InputImage.read(
                row, columns, source, files, decoder, transform, model.config().numClasses());
    }
}
