package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.table.SanityTable;
import java.util.EnumSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML {@code Transformer} for the sanity checks ({@link SanityPartition}): every method's maps
 * from the trained model against a random other class's and against each step of the cascading
 * model randomization, one row per image, method and target ({@link SanityTable}). Meant for a
 * sample: a partition's images are held in memory. {@link VitExplainer#sanityCheck()} makes one with
 * an explainer's parameters.
 */
public final class VitSanityCheck extends VitTransformer<VitSanityCheck> implements DefaultParamsWritable {

    public VitSanityCheck() {
        this(Identifiable.randomUID("vitSanityCheck"));
    }

    public VitSanityCheck(String uid) {
        super(uid);
    }

    public static MLReader<VitSanityCheck> read() {
        return new DefaultParamsReader<>();
    }

    public static VitSanityCheck load(String path) {
        return read().load(path);
    }

    @Override
    public ExplainSettings settings() {
        return settings(EnumSet.of(Protocol.SANITY));
    }

    @Override
    protected StructType outputSchema() {
        return SanityTable.schema();
    }

    @Override
    protected MapPartitionsFunction<Row, Row> partitions(
            ExplainSettings settings, InputColumns columns, StructType schema) {
        return new SanityPartition(settings, columns);
    }

    @Override
    public VitSanityCheck copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
