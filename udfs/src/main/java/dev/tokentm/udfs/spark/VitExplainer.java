package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.table.ImageTable;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Spark ML {@code Transformer} that explains a DataFrame of images with TokenTM and the baselines
 * and measures their faithfulness, in the manner of DJL's Spark extension: {@code transform} runs
 * {@code mapPartitions}, each executor loads the model once, and rows come back as
 * {@link ImageTable}. Beyond it: batching, the GPU Spark assigned each task, one error row per
 * unusable image instead of a failed task, and pipelines that contain it save and load.
 *
 * <pre>{@code
 * Dataset<Row> out = new VitExplainer()
 *     .setInputCol("content")        // encoded image bytes; or only setPathCol to read files
 *     .setModelUrl("s3a://bucket/vit/model.safetensors")
 *     .setMethods("tokentm", "gae")
 *     .setBatchSize(32)
 *     .transform(images);
 * }</pre>
 */
public final class VitExplainer extends VitTransformer<VitExplainer> implements DefaultParamsWritable {

    private final StringArrayParam protocols;
    private LongAccumulator progress;

    public VitExplainer() {
        this(Identifiable.randomUID("vitExplainer"));
    }

    public VitExplainer(String uid) {
        super(uid);
        protocols = new StringArrayParam(this, "protocols", "faithfulness protocols: " + Protocol.names());
        setDefault(
                protocols,
                Protocol.labels(ExplainSettings.defaults().protocols()).toArray(new String[0]));
    }

    /** Reads a saved transformer ({@code DefaultParamsWritable#save}); pipelines call it by reflection. */
    public static MLReader<VitExplainer> read() {
        return new DefaultParamsReader<>();
    }

    public static VitExplainer load(String path) {
        return read().load(path);
    }

    public StringArrayParam protocols() {
        return protocols;
    }

    public String[] getProtocols() {
        return $(protocols);
    }

    public VitExplainer setProtocols(String... v) {
        set(protocols, v);
        return this;
    }

    /** Counts finished images into this accumulator (the job's progress line); not a model parameter. */
    public VitExplainer setProgress(LongAccumulator accumulator) {
        this.progress = accumulator;
        return this;
    }

    @Override
    public ExplainSettings settings() {
        return settings(Arrays.stream(getProtocols()).map(Protocol::parse).collect(Collectors.toSet()));
    }

    /** The sanity checks of these settings' methods and classes, as their own transformer. */
    public VitSanityCheck sanityCheck() {
        return copyValues(new VitSanityCheck(), ParamMap.empty());
    }

    @Override
    protected StructType outputSchema() {
        return ImageTable.schema();
    }

    @Override
    protected MapPartitionsFunction<Row, Row> partitions(
            ExplainSettings settings, InputColumns columns, StructType schema) {
        return new PartitionExplainer(settings, columns, progress);
    }

    @Override
    public VitExplainer copy(ParamMap extra) {
        VitExplainer copy = defaultCopy(extra);
        copy.progress = progress;
        return copy;
    }
}
