package dev.tokentm.job.sql;

import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * {@code tokentm_explain(table, methods => ..., targets => ..., ...)}: the table's images explained as the job
 * explains them, {@link VitExplainer} in {@code mapPartitions} (the model loaded once per executor, images in
 * batches), one row per image, method and class as in a run's {@code images/}. The arguments, the table's
 * columns and the model are checked when the query is analysed; the images are explained when it runs.
 */
final class ExplainFunction {

    static final String NAME = "tokentm_explain";

    /** In positional order; each but {@code table} is optional, with the job's default. */
    static final List<String> PARAMETERS = List.of(
            "table",
            "methods",
            "targets",
            "protocols",
            "model",
            "model_config",
            "batch_size",
            "seed",
            "content_col",
            "path_col",
            "id_col",
            "label_col",
            "mask_col");

    private ExplainFunction() {}

    static LogicalPlan build(scala.collection.immutable.Seq<Expression> arguments) {
        SqlArguments a = new SqlArguments(NAME, PARAMETERS, arguments);
        SparkSession spark = SparkSession.active();
        Dataset<Row> images = Tables.named(spark, a, a.required("table"));
        VitExplainer explainer = explainer(a);
        try { // transform checks the columns and settings first (transformSchema)
            ExplainJob.checkedModel(explainer.settings());
            return Tables.plan(explainer.transform(images));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw a.bad(e.getMessage());
        }
    }

    /** The transformer these arguments describe: the job's defaults where an argument is not given. */
    static VitExplainer explainer(SqlArguments a) {
        VitExplainer e = new VitExplainer();
        List<String> none = List.of();
        List<String> methods = a.list("methods", none);
        if (!methods.isEmpty()) {
            e.setMethods(methods.toArray(String[]::new));
        }
        List<String> targets = a.list("targets", none);
        if (!targets.isEmpty()) {
            e.setTargets(targets.toArray(String[]::new));
        }
        // The sanity checks are a stage of the job of their own (on a sample, with randomized models), not
        // columns of these rows: left out of the defaults, refused when asked for.
        Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
        if (a.text("protocols", null) == null) {
            protocols.addAll(ExplainSettings.defaults().protocols());
            protocols.remove(Protocol.SANITY);
        }
        for (String p : a.list("protocols", none)) {
            try {
                protocols.add(Protocol.parse(p));
            } catch (IllegalArgumentException unknown) {
                throw a.bad(unknown.getMessage());
            }
        }
        if (protocols.contains(Protocol.SANITY)) {
            throw a.bad("protocol '" + Protocol.SANITY.label() + "' is a stage of its own, not columns of these rows:"
                    + " run the sanity checks with bin/tokentm explain, or VitExplainer.sanityCheck() from Java");
        }
        e.setProtocols(Protocol.labels(protocols).toArray(String[]::new));
        e.setModelUrl(a.text("model", ""));
        e.setModelConfigUrl(a.text("model_config", ""));
        e.setBatchSize(Math.toIntExact(a.number("batch_size", e.getBatchSize())));
        e.setSeed(a.number("seed", e.getSeed()));
        e.setInputCol(a.text("content_col", e.getInputCol()));
        e.setPathCol(a.text("path_col", e.getPathCol()));
        e.setIdCol(a.text("id_col", e.getIdCol()));
        e.setLabelCol(a.text("label_col", e.getLabelCol()));
        e.setMaskPathCol(a.text("mask_col", e.getMaskPathCol()));
        return e;
    }
}
