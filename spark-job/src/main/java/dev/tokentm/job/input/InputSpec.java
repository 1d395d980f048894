package dev.tokentm.job.input;

import dev.tokentm.udfs.table.ColumnNames;

/**
 * Where the images are and which columns hold what.
 *
 * @param location a directory, a manifest file or a Parquet dataset (local, hdfs://, s3a://)
 * @param format the layout, or null to guess it from the location
 * @param imageColumn Parquet datasets: the image column (binary, or a struct with {@code bytes}
 *     and {@code path} fields as Hugging Face exports it)
 * @param pathColumn manifests: the image path column
 * @param labelColumn the label column (integer or class name); absent labels are fine
 * @param maskColumn manifests: the mask path column
 * @param masks image folders: a directory of masks mirroring the image tree, or null
 * @param limit explain at most this many images (0 for all), for trials
 */
public record InputSpec(
        String location,
        InputFormat format,
        String imageColumn,
        String pathColumn,
        String labelColumn,
        String maskColumn,
        String masks,
        int limit) {

    public static InputSpec of(String location) {
        return new InputSpec(
                location, null, "image", ColumnNames.PATH, ColumnNames.LABEL, ColumnNames.MASK_PATH, null, 0);
    }
}
