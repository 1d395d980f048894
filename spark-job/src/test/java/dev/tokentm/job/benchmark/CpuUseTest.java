package dev.tokentm.job.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/**
 * A thread's known CPU shows in the process's, and 64 MiB of fresh native memory in its page
 * faults; proc(5) fields are read past a thread name with spaces and parentheses.
 */
class CpuUseTest {

    /**
     * A thread spinning until it has used 300 ms of CPU shows in the process's CPU, and the
     * machine's counters only grow; the compiler threads' share stays within the process's.
     */
    @Test
    void countsTheProcessCpuAThreadUses() {
        CpuUse start = CpuUse.now();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
        long spins = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            spins++;
        }
        CpuUse used = CpuUse.now().since(start);
        assertTrue(spins > 0);
        // The process counter moves in clock ticks (1/100 s) and the difference of two totals is a double: it
        // may read a tick under the thread's nanosecond count (CI once saw 0.29999999999999716).
        assertTrue(
                used.process() >= 0.3 - 1.0 / CpuUse.TICKS_PER_SECOND,
                "process CPU " + used.process() + " s after a 0.3 s spin");
        if (used.detailed()) {
            assertTrue(used.compiler() >= 0 && used.compiler() <= used.process(), used.toString());
            assertTrue(used.stolen() >= 0 && used.idle() >= 0, used.toString());
        }
    }

    /**
     * 64 MiB of fresh native memory (a direct buffer, which the JVM zeroes) is paged in on first
     * touch: at least one fault per 2 MiB even where the kernel maps transparent huge pages.
     */
    @Test
    void countsThePageFaultsOfFreshMemory() {
        CpuUse start = CpuUse.now();
        java.nio.ByteBuffer fresh = java.nio.ByteBuffer.allocateDirect(64 << 20);
        CpuUse used = CpuUse.now().since(start);
        assertTrue(fresh.capacity() > 0);
        if (used.detailed()) {
            assertTrue(used.pageFaults() >= 32, used.pageFaults() + " page faults for 64 MiB");
        }
    }

    /** proc(5)'s field numbers, counted after a thread name that holds spaces and parentheses. */
    @Test
    void readsStatFieldsPastTheThreadsName() {
        String stat = "77 (a (b) c) S 1 2 3 4 5 6 123 8 9 10 500 600 13";
        assertEquals(123, CpuUse.statField(stat, 10), "minflt");
        assertEquals(500, CpuUse.statField(stat, 14), "utime");
        assertEquals(600, CpuUse.statField(stat, 15), "stime");
    }
}
