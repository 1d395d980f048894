package dev.tokentm.udfs.table;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One column of an output table: its name, Spark type, one-line meaning, and how its value is taken
 * from the record a row is built from. A table is a list of these, and its schema, rows and
 * documentation all come from that list, so adding a column is adding one entry.
 *
 * @param <T> what a row is built from
 * @param name the column name
 * @param type its Spark type
 * @param nullable whether the value may be null
 * @param doc what the value means, one line (the column reference, docs/columns.md, shows it)
 * @param value the value for one record, in the Java type Spark's {@link Row} expects for {@code
 *     type} (boxed arrays for array columns)
 */
public record OutputColumn<T>(
        String name, DataType type, boolean nullable, String doc, Function<? super T, Object> value) {

    /** A nullable column. */
    public static <T> OutputColumn<T> of(String name, DataType type, String doc, Function<? super T, Object> value) {
        return new OutputColumn<>(name, type, true, doc, value);
    }

    /** This column in a Spark expression. */
    public Column col() {
        return functions.col(name);
    }

    public StructField field() {
        return DataTypes.createStructField(name, type, nullable);
    }

    /** The schema of a table with these columns, in order. */
    public static <T> StructType schema(List<OutputColumn<T>> columns) {
        return DataTypes.createStructType(
                columns.stream().map(OutputColumn::field).toList());
    }

    /** The row of one record. */
    public static <T> Row row(List<OutputColumn<T>> columns, T record) {
        return RowFactory.create(values(columns, record));
    }

    /** The row of one record, carrying its schema (so fields can be read by name). */
    public static <T> Row row(List<OutputColumn<T>> columns, T record, StructType schema) {
        return new GenericRowWithSchema(values(columns, record), schema);
    }

    private static <T> Object[] values(List<OutputColumn<T>> columns, T record) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i).value().apply(record);
        }
        return values;
    }

    /** The columns as a Markdown table (name, Spark SQL type, meaning), as docs/columns.md shows them. */
    public static String markdown(List<? extends OutputColumn<?>> columns) {
        StringBuilder s = new StringBuilder("| column | type | meaning |\n| --- | --- | --- |\n");
        for (OutputColumn<?> c : columns) {
            s.append("| `")
                    .append(c.name())
                    .append("` | `")
                    .append(c.type().simpleString())
                    .append("` | ")
                    .append(c.doc())
                    .append(" |\n");
        }
        return s.toString();
    }
}
