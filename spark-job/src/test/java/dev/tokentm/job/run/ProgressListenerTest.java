package dev.tokentm.job.run;

import static dev.tokentm.job.run.ProgressListener.MAX_SILENCE_NANOS;
import static dev.tokentm.job.run.ProgressListener.MIN_GAP_NANOS;
import static dev.tokentm.job.run.ProgressListener.due;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The progress line is printed on a new count or after 60 s of silence, not repeated.
 */
class ProgressListenerTest {

    private static final long T0 = 1_000_000_000_000L;

    @Test
    void theFirstLineIsAlwaysPrinted() {
        assertTrue(due(0, -1, T0, Long.MIN_VALUE));
    }

    @Test
    void anUnchangedCountIsNotRepeatedUntilTheSilenceIsLong() {
        assertFalse(due(16, 16, T0 + MIN_GAP_NANOS, T0), "same count after the minimum gap");
        assertFalse(due(16, 16, T0 + MAX_SILENCE_NANOS - 1, T0), "same count just before the longest silence");
        assertTrue(due(16, 16, T0 + MAX_SILENCE_NANOS, T0), "same count after the longest silence");
    }

    @Test
    void aNewCountIsPrintedOnceTheMinimumGapHasPassed() {
        assertFalse(due(32, 16, T0 + MIN_GAP_NANOS - 1, T0), "burst of task ends");
        assertTrue(due(32, 16, T0 + MIN_GAP_NANOS, T0));
    }
}
