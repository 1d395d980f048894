package dev.tokentm.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tokentm.job.cli.TokenTmJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ModelBenchmarkTest {

    @Test
    void printsThroughputForEachBatchSize() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            code = new CommandLine(new TokenTmJob())
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

    @Test
    void timesCallsForAtLeastTheRequestedDuration() {
        int[] calls = {0};
        double rate = ModelBenchmark.imagesPerSecond(4, 0.05, () -> {
            calls[0]++;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // 5 ms per call of 4 images: at most 800 images/s; the warm-up call is not counted.
        assertTrue(rate > 400 && rate <= 800, "rate " + rate);
        assertTrue(calls[0] >= 1 + 10, "calls " + calls[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(ModelBenchmark.matmulGflops(m, 64, 0.02) > 0);
        }
    }
}
