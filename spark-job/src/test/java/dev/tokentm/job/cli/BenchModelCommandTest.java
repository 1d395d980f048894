package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchModelCommandTest {

    @Test
    void printsThroughputForEachBatchSize() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            code = new CommandLine(new TokenTmCommand())
                    .execute(
                            "bench-model",
                            "--model",
                            "vit-tiny-p8-32",
                            "--batch-sizes",
                            "1,4",
                            "--seconds",
                            "0.05",
                            "--matmul-size",
                            "128");
        } finally {
            System.setOut(previous);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("matmul through DJL"), out);
        long rows = out.lines()
                .filter(l -> l.matches("\\s+[14] +[0-9.]+ +[0-9.]+ +[0-9.]+% +[0-9.]+ +[0-9.]+x"))
                .count();
        assertEquals(2, rows, "one row per batch size:\n" + out);
        for (String method : dev.tokentm.udfs.explain.ExplainerRegistry.names()) {
            assertTrue(
                    out.lines().anyMatch(l -> l.matches(method + " +[0-9.]+ +[0-9.]+x")),
                    method + " cost row:\n" + out);
        }
    }
}
