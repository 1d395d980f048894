package dev.tokentm.udfs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;

/**
 * Missing, forbidden and short files are the image's fault, unreachable stores the run's;
 * locations parse literally.
 */
class StorageUnavailableExceptionTest {

    @Test
    void missingForbiddenAndShortFilesAreFaultsOfTheImage() {
        assertTrue(StorageUnavailableException.isFileFault(new FileNotFoundException("x")));
        assertTrue(StorageUnavailableException.isFileFault(new UncheckedIOException(new NoSuchFileException("x"))));
        assertTrue(StorageUnavailableException.isFileFault(new AccessDeniedException("x")));
        assertTrue(StorageUnavailableException.isFileFault(new AccessControlException("permission denied")));
        assertTrue(StorageUnavailableException.isFileFault(new IOException("wrapped", new EOFException())));
    }

    @Test
    void anUnreachableStoreIsAFaultOfTheRun() {
        assertFalse(StorageUnavailableException.isFileFault(new ConnectException("Connection refused")));
        assertFalse(StorageUnavailableException.isFileFault(new UncheckedIOException(
                new IOException("Unable to execute HTTP request", new SocketTimeoutException()))));
        StorageUnavailableException e = new StorageUnavailableException(
                "s3a://bucket/a.png", new IOException("Connect to 127.0.0.1:9000 failed\n\tat somewhere"));
        assertEquals("cannot reach the store of s3a://bucket/a.png: Connect to 127.0.0.1:9000 failed", e.getMessage());
    }

    @Test
    void localLocationsAreLocal() {
        assertTrue(Storage.isLocal("/data/a b #1.png"));
        assertTrue(Storage.isLocal("file:/data/a b.png"));
        assertTrue(Storage.isLocal("classpath:models/x"));
        assertFalse(Storage.isLocal("s3a://bucket/a b.png"));
        assertEquals(java.nio.file.Path.of("/data/a b#1.png"), Storage.localPath("file:/data/a b#1.png"));
        assertEquals(java.nio.file.Path.of("/data/a%20b.png"), Storage.localPath("file:///data/a%20b.png"));
        assertEquals(java.nio.file.Path.of("/data/x.png"), Storage.localPath("file://localhost/data/x.png"));
    }
}
