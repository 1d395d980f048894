package dev.tokentm.job.sql;

import ai.djl.Device;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExecutorModels;
import dev.tokentm.udfs.spark.VitExplainer;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.CreateArray;
import org.apache.spark.sql.catalyst.expressions.ElementAt;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code tokentm_class_name(class [, model])}: a class index's name in the model's classes (the checkpoint's
 * label names, the embedded model's by default), as in {@code tokentm_class_name(predicted)} over explained
 * rows; null for null or an index outside the classes. The names are read once, when the query is analysed,
 * and become a constant array: no model is called per row.
 */
final class ClassNameFunction {

    static final String NAME = "tokentm_class_name";

    private ClassNameFunction() {}

    static Expression build(scala.collection.immutable.Seq<Expression> arguments) {
        List<Expression> args = CollectionConverters.asJava(arguments);
        if (args.isEmpty() || args.size() > 2) {
            throw new IllegalArgumentException(NAME + ": takes a class index and, optionally, a model location; got "
                    + args.size() + " arguments");
        }
        String model = "";
        if (args.size() == 2) {
            Expression location = args.get(1);
            if (!location.foldable()) {
                throw new IllegalArgumentException(
                        NAME + ": the model location must be a constant, got " + location.sql());
            }
            Object v = location.eval(null);
            model = v == null ? "" : v.toString();
        }
        List<String> names;
        try {
            // The model alone (cached per location), not the explain settings' checks of methods it will not run.
            DjlRuntime.configure();
            names = ExecutorModels.get(new VitExplainer().setModelUrl(model).settings(), Device.cpu())
                    .classNames();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(NAME + ": " + e.getMessage());
        }
        List<Expression> literals = names.stream()
                .map(n -> (Expression) Literal.create(n, DataTypes.StringType))
                .toList();
        Expression classes =
                new CreateArray(CollectionConverters.asScala(literals).toList(), false);
        Expression position = new Add(
                new Cast(args.get(0), DataTypes.IntegerType, scala.Option.empty()),
                Literal.create(1, DataTypes.IntegerType));
        // try_element_at: null for a position outside the array, not an error.
        return new ElementAt(classes, position, scala.Option.empty(), false);
    }
}
