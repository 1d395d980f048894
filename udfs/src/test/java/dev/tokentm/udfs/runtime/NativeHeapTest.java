package dev.tokentm.udfs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * glibc accepts the malloc thresholds, and the user's own settings (the property, {@code
 * MALLOC_*_}, {@code GLIBC_TUNABLES}, {@code LD_PRELOAD}) win while unrelated ones ({@code
 * MALLOC_ARENA_MAX}) do not count.
 */
class NativeHeapTest {

    @Test
    void glibcAcceptsTheThresholds() {
        // PyTorch's Linux natives are built against glibc, so every Linux this runs the model on has it.
        assumeTrue(Platform.isLinux(), "glibc's mallopt is Linux's");
        assertEquals(NativeHeap.Outcome.TUNED, NativeHeap.apply(Map.of(), "true"));
        assertEquals(NativeHeap.Outcome.TUNED, NativeHeap.tune(), "the runtime's configuration applies it");
    }

    @Test
    void theUsersOwnSettingsWin() {
        assertEquals(NativeHeap.Outcome.DISABLED, NativeHeap.apply(Map.of(), "false"));
        assertEquals(
                NativeHeap.Outcome.LEFT_TO_USER, NativeHeap.apply(Map.of("MALLOC_TRIM_THRESHOLD_", "1048576"), "true"));
        assertTrue(NativeHeap.userChose(Map.of("MALLOC_MMAP_THRESHOLD_", "65536")));
        assertTrue(NativeHeap.userChose(
                Map.of("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F:glibc.malloc.mmap_threshold=65536")));
        assertTrue(NativeHeap.userChose(Map.of("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")));
    }

    @Test
    void settingsOfOtherThingsDoNotCount() {
        assertFalse(NativeHeap.userChose(Map.of()));
        assertFalse(NativeHeap.userChose(Map.of("MALLOC_ARENA_MAX", "4")), "YARN's arena limit is not a threshold");
        assertFalse(NativeHeap.userChose(Map.of("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F")));
        assertFalse(NativeHeap.userChose(Map.of("LD_PRELOAD", "/usr/lib/libfaketime.so.1")));
    }
}
