package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench-model} prints a row per batch size and a cost row per method, with the passes the
 * model counted (TokenTM 1 forward + 1 backward, IG 33 + 32, AtMan 17 + 0 on 16 patches).
 */
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
                            "128",
                            "--method-batch",
                            "2",
                            "--methods",
                            String.join(",", methods()));
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
        for (String method : methods()) {
            String name = java.util.regex.Pattern.quote(dev.tokentm.udfs.explain.ExplainerRegistry.canonical(method));
            assertTrue(
                    out.lines().anyMatch(l -> l.matches(name + " +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+x")),
                    method + " cost row:\n" + out);
        }
        // Passes per image, counted by the model: TokenTM reads one shared forward+backward; IG runs 32
        // of its own after the forward that resolves the class; AtMan one forward per patch (16).
        assertTrue(out.lines().anyMatch(l -> l.matches("tokentm +1\\.0 +1\\.0 .*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("integrated-gradients +33\\.0 +32\\.0 .*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("atman +17\\.0 +0\\.0 .*")), out);
    }

    /**
     * Every registered method but ViT Shapley (its explainer is trained for one model, not this one);
     * Shapley sampled (enumerating 16 patches is 65,536 passes per image); TIS with no more masks than this
     * model's activation channels.
     */
    private static java.util.List<String> methods() {
        return dev.tokentm.udfs.explain.ExplainerRegistry.names().stream()
                .filter(n -> !n.equals("vit-shapley"))
                .map(n -> n.equals("shapley") ? "shapley(exact=false,samples=16)" : n)
                .map(n -> n.equals("tis") ? "tis(masks=16)" : n)
                .toList();
    }
}
