/**
 * Reading bytes from local paths, {@code file:}, {@code classpath:} and any Hadoop file system ({@code Storage}), and
 * telling a missing file (the image's fault) from a store that cannot be reached (the run's).
 */
package dev.tokentm.udfs.io;
