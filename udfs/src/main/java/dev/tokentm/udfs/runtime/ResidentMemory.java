package dev.tokentm.udfs.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory (Java heap, PyTorch's native arrays, code), from Linux's
 * {@code /proc/self/status}; in Spark's local mode the executor's too.
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Whether this system reports it (Linux). */
    public static boolean available() {
        return Files.isReadable(STATUS);
    }

    /** VmRSS in kB, or -1 where it is not reported. */
    public static long kilobytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
