package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ColumnNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The parameters of the transformers that run the ViT over images ({@link VitExplainer}, {@link
 * VitSanityCheck}), as Spark ML Params: where the images, labels and masks are, which model,
 * methods and classes, and how batches run. Each has a getter and a setter; defaults are {@link
 * ExplainSettings#defaults()}.
 *
 * @param <T> the transformer, which the setters return
 */
public abstract class VitTransformer<T extends VitTransformer<T>> extends Transformer {

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final Param<String> idCol;
    private final Param<String> labelCol;
    private final Param<String> maskPathCol;
    private final Param<String> modelUrl;
    private final Param<String> modelConfigUrl;
    private final StringArrayParam classNames;
    private final StringArrayParam methods;
    private final StringArrayParam targets;
    private final IntParam batchSize;
    private final IntParam threads;
    private final IntParam maxMegapixels;
    private final LongParam seed;

    protected VitTransformer(String uid) {
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
        seed = new LongParam(this, "seed", "seed of every random draw (ROAD's noise, the sanity checks)");
        ExplainSettings defaults = ExplainSettings.defaults();
        setDefault(inputCol, ColumnNames.CONTENT);
        setDefault(pathCol, ColumnNames.PATH);
        setDefault(idCol, ColumnNames.ID);
        setDefault(labelCol, ColumnNames.LABEL);
        setDefault(maskPathCol, ColumnNames.MASK_PATH);
        setDefault(modelUrl, "");
        setDefault(modelConfigUrl, "");
        setDefault(classNames, new String[0]);
        setDefault(methods, defaults.methods().toArray(new String[0]));
        setDefault(targets, defaults.targets().stream().map(TargetMode::label).toArray(String[]::new));
        setDefault(batchSize, defaults.batchSize());
        setDefault(threads, defaults.threads());
        setDefault(maxMegapixels, (int) (defaults.limits().maxPixels() / 1_000_000L));
        setDefault(seed, defaults.seed());
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    private <V> T put(Param<V> param, V value) {
        set(param, value);
        return self();
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

    public LongParam seed() {
        return seed;
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public String getPathCol() {
        return $(pathCol);
    }

    public String getIdCol() {
        return $(idCol);
    }

    public String getLabelCol() {
        return $(labelCol);
    }

    public String getMaskPathCol() {
        return $(maskPathCol);
    }

    public String getModelUrl() {
        return $(modelUrl);
    }

    public String getModelConfigUrl() {
        return $(modelConfigUrl);
    }

    public String[] getClassNames() {
        return $(classNames);
    }

    public String[] getMethods() {
        return $(methods);
    }

    public String[] getTargets() {
        return $(targets);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public int getThreads() {
        return (Integer) $(threads);
    }

    public int getMaxMegapixels() {
        return (Integer) $(maxMegapixels);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public T setInputCol(String v) {
        return put(inputCol, v);
    }

    public T setPathCol(String v) {
        return put(pathCol, v);
    }

    public T setIdCol(String v) {
        return put(idCol, v);
    }

    public T setLabelCol(String v) {
        return put(labelCol, v);
    }

    public T setMaskPathCol(String v) {
        return put(maskPathCol, v);
    }

    public T setModelUrl(String v) {
        return put(modelUrl, v == null ? "" : v);
    }

    public T setModelConfigUrl(String v) {
        return put(modelConfigUrl, v == null ? "" : v);
    }

    public T setClassNames(String... v) {
        return put(classNames, v);
    }

    public T setMethods(String... v) {
        return put(methods, v);
    }

    public T setTargets(String... v) {
        return put(targets, v);
    }

    public T setBatchSize(int v) {
        return put(batchSize, v);
    }

    public T setThreads(int v) {
        return put(threads, v);
    }

    public T setMaxMegapixels(int v) {
        return put(maxMegapixels, v);
    }

    public T setSeed(long v) {
        return put(seed, v);
    }

    /** The settings the executors get, checked on the driver; a bad value fails naming it. */
    protected ExplainSettings settings(Set<Protocol> protocols) {
        List<TargetMode> modes = new ArrayList<>();
        for (String t : getTargets()) {
            modes.add(TargetMode.parse(t));
        }
        String[] names = getClassNames();
        ExplainSettings defaults = ExplainSettings.defaults();
        return new ExplainSettings(
                blankToNull(getModelUrl()),
                blankToNull(getModelConfigUrl()),
                names.length == 0 ? null : Arrays.asList(names),
                Arrays.asList(getMethods()),
                modes,
                getBatchSize(),
                getThreads(),
                new ImageLimits(defaults.limits().maxBytes(), (long) getMaxMegapixels() * 1_000_000L),
                protocols,
                defaults.perturbation(),
                getSeed());
    }

    /** The settings the executors get, checked on the driver. */
    public abstract ExplainSettings settings();

    /** The rows' schema. */
    protected abstract StructType outputSchema();

    /** What each partition runs, given the input's schema (for columns of a transformer's own). */
    protected abstract MapPartitionsFunction<Row, Row> partitions(
            ExplainSettings settings, InputColumns columns, StructType schema);

    /** Each partition through {@link #partitions}, after checking columns and settings on the driver. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Dataset<Row> frame = dataset.toDF();
        return frame.mapPartitions(
                partitions(settings(), columns(frame.schema()), frame.schema()), Encoders.row(outputSchema()));
    }

    /** Checks the input columns and every setting; the output is {@link #outputSchema()}. */
    @Override
    public StructType transformSchema(StructType schema) {
        columns(schema);
        settings();
        return outputSchema();
    }

    /** The input columns in a schema; fails naming a column that is missing or of the wrong type. */
    protected InputColumns columns(StructType schema) {
        return InputColumns.resolve(
                schema,
                new InputColumns.Names(getIdCol(), getPathCol(), getInputCol(), getLabelCol(), getMaskPathCol()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
