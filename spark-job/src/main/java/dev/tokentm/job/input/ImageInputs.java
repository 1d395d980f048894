package dev.tokentm.job.input;

import static dev.tokentm.udfs.table.ColumnNames.CONTENT;
import static dev.tokentm.udfs.table.ColumnNames.ID;
import static dev.tokentm.udfs.table.ColumnNames.LABEL;
import static dev.tokentm.udfs.table.ColumnNames.MASK_PATH;
import static dev.tokentm.udfs.table.ColumnNames.PATH;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sha1;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a corpus into the job's standard columns: {@code image_id} (string), {@code path}
 * (string), {@code label} (int, null when unknown), {@code mask_path} (string or null) and
 * {@code content} (binary, null when executors read the file from {@code path}). Only Parquet
 * datasets carry bytes through the plan; image folders and manifests list paths, so the
 * repartition shuffles a few bytes per image and executors read the files where they run.
 */
public final class ImageInputs {

    private ImageInputs() {}

    /** The corpus's format: as given, else guessed from what is at its location. */
    public static InputFormat format(SparkSession spark, InputSpec spec) {
        if (spec.format() != null) {
            return spec.format();
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(spec.location());
        FileStatus status = status(root, hadoop);
        return InputFormat.guess(
                spec.location(), status.isDirectory(), status.isDirectory() && hasParquet(root, hadoop));
    }

    /**
     * Up to {@code max} folder names of an image-folder corpus that name no class of the model
     * (their images have no label), sorted.
     */
    public static List<String> unknownClassFolders(Dataset<Row> frame, int max) {
        return frame
                .where(col(LABEL).isNull())
                .select(element_at(split(col(PATH), "/"), -2).alias("folder"))
                .distinct()
                .orderBy("folder")
                .limit(max)
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    }

    public static Dataset<Row> read(SparkSession spark, InputSpec spec, List<String> classNames) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(spec.location());
        InputFormat format = format(spark, spec);
        Dataset<Row> frame =
                switch (format) {
                    case IMAGE_FOLDER -> imageFolder(spark, spec, qualified(root, hadoop), classNames, hadoop);
                    case MANIFEST -> manifest(spark, spec, qualified(root, hadoop), classNames);
                    case PARQUET_BYTES -> parquetBytes(spark, spec, classNames);
                };
        if (spec.limit() > 0) {
            frame = frame.orderBy(ID).limit(spec.limit());
        }
        return frame;
    }

    private static Dataset<Row> imageFolder(
            SparkSession spark, InputSpec spec, String root, List<String> classNames, Configuration hadoop) {
        Dataset<Row> files = FolderListing.images(spark, root, hadoop);
        Column folder = element_at(split(col(PATH), "/"), -2);
        Column mask = lit(null).cast(DataTypes.StringType);
        if (spec.masks() != null) {
            String masks = qualified(new Path(spec.masks()), hadoop);
            mask = concat(lit(masks), substring(col(PATH), root.length() + 1, Integer.MAX_VALUE));
        }
        return files.select(
                col(PATH).alias(ID),
                col(PATH),
                labelOf(folder, classNames, true).alias(LABEL),
                mask.alias(MASK_PATH),
                lit(null).cast(DataTypes.BinaryType).alias(CONTENT));
    }

    private static Dataset<Row> manifest(SparkSession spark, InputSpec spec, String file, List<String> classNames) {
        boolean csv = !file.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
        // RFC 4180 quoting, as Python's csv and pandas write it: a quote inside a quoted field is doubled.
        Dataset<Row> table = csv
                ? spark.read().option("header", "true").option("escape", "\"").csv(file)
                : spark.read().parquet(file);
        require(table.schema(), spec.pathColumn(), file);
        String base = file.substring(0, file.lastIndexOf('/') + 1);
        Column path = resolved(col(spec.pathColumn()), base);
        boolean hasMask = has(table.schema(), spec.maskColumn());
        boolean hasLabel = has(table.schema(), spec.labelColumn());
        boolean hasId = has(table.schema(), ID);
        return table.select(
                (hasId ? col(ID).cast(DataTypes.StringType) : path).alias(ID),
                path.alias(PATH),
                (hasLabel
                                ? labelOf(col(spec.labelColumn()), classNames, false)
                                : lit(null).cast(DataTypes.IntegerType))
                        .alias(LABEL),
                (hasMask ? resolved(col(spec.maskColumn()), base) : lit(null).cast(DataTypes.StringType))
                        .alias(MASK_PATH),
                lit(null).cast(DataTypes.BinaryType).alias(CONTENT));
    }

    private static Dataset<Row> parquetBytes(SparkSession spark, InputSpec spec, List<String> classNames) {
        Dataset<Row> table = spark.read().parquet(spec.location());
        require(table.schema(), spec.imageColumn(), spec.location());
        var type = table.schema().apply(spec.imageColumn()).dataType();
        Column content;
        Column path;
        if (type instanceof StructType struct
                && Arrays.asList(struct.fieldNames()).contains("bytes")) {
            content = col(spec.imageColumn() + ".bytes");
            path = Arrays.asList(struct.fieldNames()).contains("path")
                    ? col(spec.imageColumn() + ".path")
                    : lit(null).cast(DataTypes.StringType);
        } else if (type.equals(DataTypes.BinaryType)) {
            content = col(spec.imageColumn());
            path = has(table.schema(), spec.pathColumn())
                    ? col(spec.pathColumn()).cast(DataTypes.StringType)
                    : lit(null).cast(DataTypes.StringType);
        } else {
            throw new IllegalArgumentException("column '" + spec.imageColumn() + "' of " + spec.location() + " is "
                    + type.simpleString() + "; expected binary or struct<bytes: binary, path: string>");
        }
        boolean hasLabel = has(table.schema(), spec.labelColumn());
        return table.select(
                // The bytes' SHA-1 identifies an image across runs (for resuming) whatever the row order.
                sha1(content).alias(ID),
                path.alias(PATH),
                (hasLabel
                                ? labelOf(col(spec.labelColumn()), classNames, false)
                                : lit(null).cast(DataTypes.IntegerType))
                        .alias(LABEL),
                lit(null).cast(DataTypes.StringType).alias(MASK_PATH),
                content.alias(CONTENT));
    }

    /** An integer label as is; a class name (in any spelling {@link ClassNames} accepts) as its index. */
    static Column labelOf(Column value, List<String> classNames, boolean nameOnly) {
        Column normalized = regexp_replace(
                regexp_replace(lower(trim(value.cast(DataTypes.StringType))), "[^\\p{L}\\p{N}]+", "-"), "^-|-$", "");
        List<Column> pairs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : ClassNames.index(classNames).entrySet()) {
            pairs.add(lit(e.getKey()));
            pairs.add(lit(e.getValue()));
        }
        Column byName = pairs.isEmpty()
                ? lit(null).cast(DataTypes.IntegerType)
                : element_at(org.apache.spark.sql.functions.map(pairs.toArray(new Column[0])), normalized);
        // try_cast: under Spark 4's ANSI mode a plain cast of a class name to int fails the job.
        return nameOnly ? byName : coalesce(value.try_cast(DataTypes.IntegerType), byName);
    }

    /** Relative paths against the manifest's directory; absolute paths and URIs as they are. */
    private static Column resolved(Column path, String base) {
        return when(path.isNull(), lit(null).cast(DataTypes.StringType))
                .when(path.startsWith("/").or(path.contains(":/")), path)
                .otherwise(concat(lit(base), path));
    }

    private static void require(StructType schema, String column, String where) {
        if (!has(schema, column)) {
            throw new IllegalArgumentException(
                    where + " has no column '" + column + "'; it has " + String.join(", ", schema.fieldNames()));
        }
    }

    private static boolean has(StructType schema, String column) {
        return column != null && Arrays.asList(schema.fieldNames()).contains(column);
    }

    private static FileStatus status(Path path, Configuration hadoop) {
        try {
            return path.getFileSystem(hadoop).getFileStatus(path);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("input " + path + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read input " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasParquet(Path dir, Configuration hadoop) {
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String qualified(Path path, Configuration hadoop) {
        try {
            return path.getFileSystem(hadoop).makeQualified(path).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }
}
