package dev.tokentm.udfs.table;

/**
 * The standard names of the columns that identify an image: what the job's readers produce, what the
 * transformer reads by default, and the output tables' identity columns.
 */
public final class ColumnNames {

    public static final String ID = "image_id";
    public static final String PATH = "path";
    public static final String CONTENT = "content";
    public static final String LABEL = "label";
    public static final String MASK_PATH = "mask_path";

    private ColumnNames() {}
}
