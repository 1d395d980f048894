package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code bench-protocols} prints one line per removal protocol with the forward passes its curves
 * cost.
 */
class BenchProtocolsCommandTest {

    @Test
    void printsEachProtocolsForwardPassesAndTimes() {
        SampleCommand run = SampleCommand.run("bench-protocols", "--images", "2", "--batch-size", "2");
        int code = run.exitCode();
        String out = run.out();
        assertEquals(0, code, out);
        // Forward passes per image and method: zeroing 2 orders x 9 steps + deletion's all-zero image, ROAD
        // 2 x 9, blurring 2 x 9 + insertion's 9 steps and its fully blurred start.
        for (String row : new String[] {"zero +19 ", "road +18 ", "blur +28 "}) {
            assertTrue(out.lines().anyMatch(l -> l.matches(row + ".*% of the rest\\)")), row + "\n" + out);
        }
    }
}
