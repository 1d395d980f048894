package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.SanityTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Spark ML {@code Transformer} that explains a DataFrame of images with TokenTM and the baselines
 * and measures their faithfulness, in the manner of DJL's Spark extension: {@code transform} runs
 * {@code mapPartitions}, each executor loads the model once, and rows come back as
 * {@link ImageTable}. Beyond it: batching, the GPU Spark assigned each task, and one error
 * row per unusable image instead of a failed task.
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
public final class VitExplainer extends Transformer {

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final Param<String> idCol;
    private final Param<String> labelCol;
    private final Param<String> maskPathCol;
    private final Param<String> modelUrl;
    private final Param<String> modelConfigUrl;
    private final StringArrayParam protocols;
    private final LongParam seed;
    private final StringArrayParam classNames;
    private final StringArrayParam methods;
    private final StringArrayParam targets;
    private final IntParam batchSize;
    private final IntParam threads;
    private final IntParam maxMegapixels;
    private LongAccumulator progress;

    public VitExplainer() {
        this(Identifiable.randomUID("vitExplainer"));
    }

    public VitExplainer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of encoded image bytes (binary); empty to read pathCol");
        pathCol = new Param<>(this, "pathCol", "column of image paths (local, hdfs://, s3a://)");
        idCol = new Param<>(this, "idCol", "column identifying each image; the path when absent");
        labelCol = new Param<>(this, "labelCol", "integer class label column (optional)");
        maskPathCol = new Param<>(this, "maskPathCol", "column of object-mask image paths (optional)");
        modelUrl = new Param<>(this, "modelUrl", "safetensors checkpoint; empty for the embedded model");
        modelConfigUrl =
                new Param<>(this, "modelConfigUrl", "sidecar architecture JSON; empty to read the checkpoint's");
        classNames = new StringArrayParam(this, "classNames", "class names overriding the checkpoint's");
        methods = new StringArrayParam(
                this,
                "methods",
                "method specs, name(key=value,...), of: " + String.join(", ", ExplainerRegistry.names()));
        targets = new StringArrayParam(this, "targets", "explained class: predicted and/or label");
        batchSize = new IntParam(this, "batchSize", "images per forward/backward pass", ParamValidators.gtEq(1));
        threads =
                new IntParam(this, "threads", "PyTorch threads per task; 0 = spark.task.cpus", ParamValidators.gtEq(0));
        maxMegapixels = new IntParam(this, "maxMegapixels", "largest image accepted", ParamValidators.gtEq(1));
        protocols = new StringArrayParam(this, "protocols", "faithfulness protocols: " + Protocol.names());
        seed = new LongParam(this, "seed", "seed of every random draw (ROAD's noise, the sanity checks)");
        setDefault(inputCol, InputColumns.CONTENT);
        setDefault(pathCol, InputColumns.PATH);
        setDefault(idCol, InputColumns.ID);
        setDefault(labelCol, InputColumns.LABEL);
        setDefault(maskPathCol, InputColumns.MASK_PATH);
        ExplainSettings defaults = ExplainSettings.defaults();
        setDefault(modelUrl, "");
        setDefault(modelConfigUrl, "");
        setDefault(classNames, new String[0]);
        setDefault(methods, defaults.methods().toArray(new String[0]));
        setDefault(targets, defaults.targets().stream().map(TargetMode::label).toArray(String[]::new));
        setDefault(batchSize, defaults.batchSize());
        setDefault(threads, defaults.threads());
        setDefault(maxMegapixels, (int) (defaults.limits().maxPixels() / 1_000_000L));
        setDefault(protocols, Protocol.labels(defaults.protocols()).toArray(new String[0]));
        setDefault(seed, defaults.seed());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> pathCol() {
        return pathCol;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> maskPathCol() {
        return maskPathCol;
    }

    public Param<String> modelUrl() {
        return modelUrl;
    }

    public Param<String> modelConfigUrl() {
        return modelConfigUrl;
    }

    public StringArrayParam classNames() {
        return classNames;
    }

    public StringArrayParam methods() {
        return methods;
    }

    public StringArrayParam targets() {
        return targets;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam threads() {
        return threads;
    }

    public IntParam maxMegapixels() {
        return maxMegapixels;
    }

    public StringArrayParam protocols() {
        return protocols;
    }

    public LongParam seed() {
        return seed;
    }

    public VitExplainer setProtocols(String... v) {
        set(protocols, v);
        return this;
    }

    public VitExplainer setSeed(long v) {
        set(seed, v);
        return this;
    }

    public VitExplainer setInputCol(String v) {
        set(inputCol, v);
        return this;
    }

    public VitExplainer setPathCol(String v) {
        set(pathCol, v);
        return this;
    }

    public VitExplainer setIdCol(String v) {
        set(idCol, v);
        return this;
    }

    public VitExplainer setLabelCol(String v) {
        set(labelCol, v);
        return this;
    }

    public VitExplainer setMaskPathCol(String v) {
        set(maskPathCol, v);
        return this;
    }

    public VitExplainer setModelUrl(String v) {
        set(modelUrl, v == null ? "" : v);
        return this;
    }

    public VitExplainer setModelConfigUrl(String v) {
        set(modelConfigUrl, v == null ? "" : v);
        return this;
    }

    public VitExplainer setClassNames(String... v) {
        set(classNames, v);
        return this;
    }

    public VitExplainer setMethods(String... v) {
        set(methods, v);
        return this;
    }

    public VitExplainer setTargets(String... v) {
        set(targets, v);
        return this;
    }

    public VitExplainer setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    public VitExplainer setThreads(int v) {
        set(threads, v);
        return this;
    }

    public VitExplainer setMaxMegapixels(int v) {
        set(maxMegapixels, v);
        return this;
    }

    /** Counts finished images into this accumulator (the job's progress line); not a model parameter. */
    public VitExplainer setProgress(LongAccumulator accumulator) {
        this.progress = accumulator;
        return this;
    }

    /** The settings the executors get, checked on the driver. */
    public ExplainSettings settings() {
        List<TargetMode> modes = new ArrayList<>();
        for (String t : $(targets)) {
            try {
                modes.add(TargetMode.valueOf(t.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown target '" + t + "'; use predicted or label");
            }
        }
        String[] names = $(classNames);
        return new ExplainSettings(
                blankToNull($(modelUrl)),
                blankToNull($(modelConfigUrl)),
                names.length == 0 ? null : Arrays.asList(names),
                Arrays.asList($(methods)),
                modes,
                (Integer) $(batchSize),
                (Integer) $(threads),
                new ImageLimits(ImageLimits.defaults().maxBytes(), (long) (Integer) $(maxMegapixels) * 1_000_000L),
                Arrays.stream($(protocols)).map(Protocol::parse).collect(Collectors.toSet()),
                (Long) $(seed));
    }

    private InputColumns columns(StructType schema) {
        return InputColumns.resolve(
                schema, new InputColumns.Names($(idCol), $(pathCol), $(inputCol), $(labelCol), $(maskPathCol)));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> frame = dataset.toDF();
        PartitionExplainer explainer = new PartitionExplainer(settings(), columns(frame.schema()), progress);
        return frame.mapPartitions(explainer, Encoders.row(ImageTable.schema()));
    }

    /**
     * The sanity checks ({@link SanityPartition}) on these images, one row per image, method and
     * target ({@link SanityTable}). Meant for a sample: a partition's images are held in memory.
     */
    public Dataset<Row> sanityCheck(Dataset<?> sample) {
        Dataset<Row> frame = sample.toDF();
        SanityPartition check = new SanityPartition(settings(), columns(frame.schema()));
        return frame.mapPartitions(check, Encoders.row(SanityTable.schema()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        columns(schema);
        settings();
        return ImageTable.schema();
    }

    @Override
    public VitExplainer copy(ParamMap extra) {
        VitExplainer copy = defaultCopy(extra);
        copy.progress = progress;
        return copy;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
