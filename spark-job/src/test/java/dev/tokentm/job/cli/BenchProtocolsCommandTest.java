package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchProtocolsCommandTest {

    @Test
    void printsEachProtocolsForwardPassesAndTimes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        String sample = java.nio.file.Path.of(
                        System.getProperty("tokentm.repo.dir", "."), "data", "sample", "manifest.csv")
                .toString();
        String before = System.setProperty(ExplainCommand.SAMPLE_PROPERTY, sample);
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            code = new CommandLine(new TokenTmCommand())
                    .execute("bench-protocols", "--images", "2", "--batch-size", "2");
        } finally {
            System.setOut(previous);
            if (before == null) {
                System.clearProperty(ExplainCommand.SAMPLE_PROPERTY);
            } else {
                System.setProperty(ExplainCommand.SAMPLE_PROPERTY, before);
            }
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        // Forward passes per image and method: zeroing 2 orders x 9 steps + deletion's all-zero image, ROAD
        // 2 x 9, blurring 2 x 9 + insertion's 9 steps and its fully blurred start.
        for (String row : new String[] {"zero +19 ", "road +18 ", "blur +28 "}) {
            assertTrue(out.lines().anyMatch(l -> l.matches(row + ".*% of the rest\\)")), row + "\n" + out);
        }
    }
}
