package dev.tokentm.job.input;

import java.util.Locale;

/** How an image corpus is laid out. */
public enum InputFormat {
    /** A directory tree, one folder per class ({@code root/<class>/<image>}). */
    IMAGE_FOLDER,
    /** A CSV or Parquet table of image paths with optional label and mask path. */
    MANIFEST,
    /** A Parquet dataset holding the encoded images in a column (as dataset hubs export them). */
    PARQUET_BYTES;

    /** Guesses the format from the location: a directory, a {@code .csv}, or Parquet. */
    public static InputFormat guess(String location, boolean isDirectory, boolean hasParquetFiles) {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
            return MANIFEST;
        }
        if (lower.endsWith(".parquet") || hasParquetFiles) {
            return PARQUET_BYTES;
        }
        if (isDirectory) {
            return IMAGE_FOLDER;
        }
        throw new IllegalArgumentException("cannot tell the layout of " + location
                + "; name it with --format (image-folder, manifest, parquet-bytes)");
    }

    public static InputFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown input format '" + name + "'; use image-folder, manifest or parquet-bytes");
        }
    }
}
