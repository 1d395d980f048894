package dev.tokentm.job.sql;

import java.util.function.Function;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The job's SQL functions in every session that names this class in {@code spark.sql.extensions} (with the job
 * jar on the classpath, {@code --jars}): from SQL, PySpark, R or Scala alike, {@code SELECT * FROM
 * tokentm_explain('images', methods => 'tokentm,gae')}, {@code SELECT * FROM tokentm_metrics('s3a://bucket/run')}
 * and {@code tokentm_class_name(predicted)}.
 */
public final class TokenTmExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        tableFunction(
                extensions,
                ExplainFunction.NAME,
                "_FUNC_(table, methods, targets, protocols, model, model_config, batch_size, seed, content_col,"
                        + " path_col, id_col, label_col, mask_col) - the images of a table or view explained,"
                        + " one row per image, method and class (a run's images/)",
                ExplainFunction::build);
        tableFunction(
                extensions,
                MetricsFunction.NAME,
                "_FUNC_(source, seed, bootstrap) - the dataset metrics with 95% intervals of a table of explained"
                        + " rows, or of a run's output location (a run's metrics/)",
                MetricsFunction::build);
        extensions.injectFunction(new Tuple3<>(
                FunctionIdentifier.apply(ClassNameFunction.NAME),
                new ExpressionInfo(
                        TokenTmExtensions.class.getName(),
                        null,
                        ClassNameFunction.NAME,
                        "_FUNC_(class, model) - a class index's name in the model's classes (the embedded model's"
                                + " by default); null outside them",
                        ""),
                new ScalarBuilder()));
        return BoxedUnit.UNIT;
    }

    private static void tableFunction(
            SparkSessionExtensions extensions,
            String name,
            String usage,
            Function<Seq<Expression>, LogicalPlan> build) {
        extensions.injectTableFunction(new Tuple3<>(
                FunctionIdentifier.apply(name),
                new ExpressionInfo(TokenTmExtensions.class.getName(), null, name, usage, ""),
                new Builder(build)));
    }

    /** {@code tokentm_class_name}'s builder as the Scala function Spark calls. */
    private static final class ScalarBuilder extends AbstractFunction1<Seq<Expression>, Expression>
            implements java.io.Serializable {
        @Override
        public Expression apply(Seq<Expression> arguments) {
            return ClassNameFunction.build(arguments);
        }
    }

    /** A table function's builder as the Scala function Spark calls. */
    private static final class Builder extends AbstractFunction1<Seq<Expression>, LogicalPlan>
            implements java.io.Serializable {
        private final transient Function<Seq<Expression>, LogicalPlan> build;

        Builder(Function<Seq<Expression>, LogicalPlan> build) {
            this.build = build;
        }

        @Override
        public LogicalPlan apply(Seq<Expression> arguments) {
            return build.apply(arguments);
        }
    }
}
