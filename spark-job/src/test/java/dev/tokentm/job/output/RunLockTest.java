package dev.tokentm.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second run on an output is refused naming the first; markers expire, and a marker of a dead
 * process on this host is taken over at once.
 */
class RunLockTest {

    @TempDir
    Path out;

    private final Configuration hadoop = new Configuration();
    private final List<String> messages = new ArrayList<>();

    @Test
    void aSecondRunOnTheSameOutputIsRefusedNamingTheFirst() {
        try (RunLock first = RunLock.acquire(out.toString(), hadoop, messages::add)) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> RunLock.acquire(out.toString(), hadoop, messages::add));
            assertTrue(e.getMessage().startsWith("another tokentm run is writing to " + out), e.getMessage());
            assertTrue(
                    e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("started 20"), e.getMessage());
        }
        assertFalse(Files.exists(out.resolve(RunLock.NAME)), "released");
        RunLock.acquire(out.toString(), hadoop, messages::add).close();
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void aMarkerNotUpdatedForLongIsTakenOver() throws Exception {
        Path marker = out.resolve(RunLock.NAME);
        Files.writeString(marker, "host elsewhere, process 1, started 2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(
                marker, FileTime.from(Instant.now().minus(RunLock.STALE_AFTER).minusSeconds(5)));
        try (RunLock lock = RunLock.acquire(out.toString(), hadoop, messages::add)) {
            assertEquals(1, messages.size());
            assertTrue(messages.get(0).contains("stopped without finishing (host elsewhere"), messages.get(0));
        }
    }

    @Test
    void aFreshMarkerOfAProcessThatIsGoneOnThisHostIsTakenOverAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path marker = out.resolve(RunLock.NAME);
        Files.writeString(
                marker,
                "host " + InetAddress.getLocalHost().getHostName() + ", process " + gone.pid()
                        + ", started 2026-01-01T00:00:00Z");
        try (RunLock lock = RunLock.acquire(out.toString(), hadoop, messages::add)) {
            assertEquals(1, messages.size(), messages.toString());
        }
        // A fresh marker of another host is respected.
        Files.writeString(marker, "host elsewhere, process " + gone.pid() + ", started 2026-01-01T00:00:00Z");
        assertThrows(IllegalStateException.class, () -> RunLock.acquire(out.toString(), hadoop, messages::add));
    }
}
