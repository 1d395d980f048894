package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.table.ColumnNames;
import java.io.Serializable;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Which input columns hold what, resolved to positions once on the driver. An image comes from
 * the bytes column when it is set, else is read from the path column (any Hadoop file system);
 * label and mask path are optional.
 *
 * @param id position of the image id column, or -1 to use the path
 * @param path position of the path column, or -1
 * @param content position of the encoded-bytes column, or -1
 * @param label position of the integer label column, or -1
 * @param maskPath position of the mask path column, or -1
 */
public record InputColumns(int id, int path, int content, int label, int maskPath) implements Serializable {

    /** Column names; a null or absent optional name means "not there". */
    public record Names(String id, String path, String content, String label, String maskPath) {
        public static Names standard() {
            return new Names(
                    ColumnNames.ID, ColumnNames.PATH, ColumnNames.CONTENT, ColumnNames.LABEL, ColumnNames.MASK_PATH);
        }
    }

    /** Resolves names against a schema; fails naming the column that is missing or mistyped. */
    public static InputColumns resolve(StructType schema, Names names) {
        int id = optional(schema, names.id(), StringType.class);
        int path = optional(schema, names.path(), StringType.class);
        int content = optional(schema, names.content(), BinaryType.class);
        int label = optional(schema, names.label(), IntegerType.class, LongType.class, ShortType.class);
        int mask = optional(schema, names.maskPath(), StringType.class);
        if (content < 0 && path < 0) {
            throw new IllegalArgumentException("the input needs an image bytes column '" + names.content()
                    + "' or a path column '" + names.path() + "'; it has " + String.join(", ", schema.fieldNames()));
        }
        if (id < 0 && path < 0) {
            throw new IllegalArgumentException("the input needs an id column '" + names.id() + "' or a path column '"
                    + names.path() + "' to identify images; it has " + String.join(", ", schema.fieldNames()));
        }
        return new InputColumns(id, path, content, label, mask);
    }

    @SafeVarargs
    private static int optional(StructType schema, String name, Class<? extends DataType>... types) {
        if (name == null
                || name.isEmpty()
                || !java.util.Arrays.asList(schema.fieldNames()).contains(name)) {
            return -1;
        }
        int index = schema.fieldIndex(name);
        DataType type = schema.fields()[index].dataType();
        for (Class<? extends DataType> t : types) {
            if (t.isInstance(type)) {
                return index;
            }
        }
        throw new IllegalArgumentException("input column '" + name + "' has type " + type.simpleString() + ", expected "
                + types[0].getSimpleName().replace("Type", "").toLowerCase(java.util.Locale.ROOT));
    }
}
