package dev.tokentm.udfs.io;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * A file could not be read because its store could not be reached (connection refused, timeouts,
 * server errors), as opposed to the file being missing, forbidden or cut short. The first is a fault
 * of the run, and fails the task so that Spark retries it and, if the store stays away, the job stops
 * with everything committed so far kept; the second is a fault of the image, and becomes its error
 * row.
 */
public final class StorageUnavailableException extends UncheckedIOException {

    public StorageUnavailableException(String location, IOException cause) {
        super("cannot reach the store of " + location + ": " + firstLine(cause), cause);
    }

    /** Whether {@code e} says the file itself is missing, forbidden or cut short (a fault of the image). */
    public static boolean isFileFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileNotFoundException
                    || t instanceof NoSuchFileException
                    || t instanceof AccessDeniedException
                    || t instanceof EOFException
                    || t.getClass().getName().equals("org.apache.hadoop.security.AccessControlException")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }
}
