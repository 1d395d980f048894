package dev.tokentm.udfs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@code Storage.Reader} (a partition's, keeping one Hadoop configuration) reads local, {@code
 * file:}, {@code classpath:} and Hadoop ({@code loopfs://}) paths exactly as {@link
 * Storage#readAll} does.
 */
class StorageReaderTest {

    @TempDir
    Path tmp;

    @Test
    void readsEverySchemeAndReusesItsHadoopConfiguration() throws Exception {
        Storage.Reader reader = Storage.reader();
        for (int i = 0; i < 3; i++) {
            byte[] bytes = ("file " + i).getBytes();
            Path file = Files.write(tmp.resolve("f" + i + ".bin"), bytes);
            assertArrayEquals(bytes, reader.readAll(file.toString()));
            assertArrayEquals(bytes, reader.readAll(file.toUri().toString()));
            // loopfs:// is the local disk behind Hadoop's FileSystem API (test core-site.xml).
            assertArrayEquals(bytes, reader.readAll("loopfs://" + file));
            assertArrayEquals(Storage.readAll("loopfs://" + file), reader.readAll("loopfs://" + file));
        }
        assertTrue(reader.readAll("classpath:core-site.xml").length > 0);
        UncheckedIOException missing = assertThrows(
                UncheckedIOException.class, () -> reader.readAll("loopfs://" + tmp.resolve("missing.bin")));
        assertTrue(missing.getMessage().contains("missing.bin"), missing.getMessage());
    }
}
