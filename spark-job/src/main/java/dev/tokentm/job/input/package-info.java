/**
 * The corpus as rows: image folders (listed by executor tasks), manifests and Parquet datasets with image bytes;
 * class names; the committed sample.
 */
package dev.tokentm.job.input;
