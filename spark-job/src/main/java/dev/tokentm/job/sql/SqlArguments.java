package dev.tokentm.job.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A SQL function call's arguments by parameter name: positional ones in the parameters' order, then {@code
 * name => value} ones; every value a constant. A wrong call fails in one line naming the function and the
 * parameter, when the query is analysed.
 */
final class SqlArguments {

    private final String function;
    private final List<String> parameters;
    private final Map<String, Object> values = new LinkedHashMap<>();

    /**
     * @param parameters the function's parameters in positional order
     */
    SqlArguments(String function, List<String> parameters, scala.collection.immutable.Seq<Expression> arguments) {
        this.function = function;
        this.parameters = List.copyOf(parameters);
        int position = 0;
        boolean named = false;
        for (Expression e : CollectionConverters.asJava(arguments)) {
            String name;
            Expression value = e;
            if (e instanceof NamedArgumentExpression byName) {
                named = true;
                name = byName.key().toLowerCase(java.util.Locale.ROOT);
                value = byName.value();
                if (!parameters.contains(name)) {
                    throw bad("has no parameter '" + name + "'; its parameters: " + String.join(", ", parameters));
                }
            } else {
                if (named) {
                    throw bad("takes positional arguments before named ones");
                }
                if (position >= parameters.size()) {
                    throw bad("takes at most " + parameters.size() + " arguments (" + String.join(", ", parameters)
                            + "), got more");
                }
                name = parameters.get(position++);
            }
            if (values.containsKey(name)) {
                throw bad("parameter '" + name + "' is given twice");
            }
            if (!value.foldable()) {
                throw bad("parameter '" + name + "' must be a constant, got " + value.sql());
            }
            Object v = value.eval(null);
            values.put(
                    name,
                    v == null ? null : v instanceof org.apache.spark.unsafe.types.UTF8String s ? s.toString() : v);
        }
    }

    /** A text parameter, or {@code defaultValue} when not given. */
    String text(String name, String defaultValue) {
        Object v = values.get(check(name));
        return v == null ? defaultValue : v.toString();
    }

    /** A text parameter that must be given. */
    String required(String name) {
        String v = text(name, null);
        if (v == null || v.isBlank()) {
            throw bad("needs '" + name + "' (its first argument)");
        }
        return v;
    }

    /** A whole-number parameter, or {@code defaultValue} when not given. */
    long number(String name, long defaultValue) {
        Object v = values.get(check(name));
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw bad("parameter '" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    /** A comma-separated list ({@code 'tokentm,gae'}), or {@code defaultValue} when not given. */
    List<String> list(String name, List<String> defaultValue) {
        String v = text(name, null);
        if (v == null) {
            return defaultValue;
        }
        return dev.tokentm.udfs.explain.MethodSpec.splitList(v);
    }

    /** One line naming the function and what is wrong. */
    IllegalArgumentException bad(String why) {
        return new IllegalArgumentException(function + ": " + why);
    }

    private String check(String name) {
        if (!parameters.contains(name)) {
            throw new IllegalStateException(function + " reads an undeclared parameter " + name);
        }
        return name;
    }
}
