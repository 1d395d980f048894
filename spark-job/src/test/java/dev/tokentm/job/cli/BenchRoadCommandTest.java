package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench-road} times our imputation and, where python3 has numpy and scipy, the authors'
 * computation on the same images and masks, which must agree to 1e-4; {@code bench-gpu} without a
 * GPU says so in one line.
 */
class BenchRoadCommandTest {

    @Test
    void timesOursAndTheReferenceOnTheSameMasks() throws Exception {
        Path script = Path.of(System.getProperty("tokentm.repo.dir", "."), "bin", "road-reference.py");
        SampleCommand run =
                SampleCommand.run("bench-road", "--images", "1", "--side", "64", "--reference", script.toString());
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("ours, one thread:"), run.out());
        boolean scipy = new ProcessBuilder("python3", "-c", "import numpy, scipy")
                        .start()
                        .waitFor()
                == 0;
        assumeTrue(scipy && Files.exists(script), "python3 with numpy and scipy not found: the reference half skipped");
        Matcher m =
                Pattern.compile("largest relative L2 between them ([0-9.e+-]+)").matcher(run.out());
        assertTrue(m.find(), run.out());
        assertTrue(Double.parseDouble(m.group(1)) < 1e-4, run.out());
    }

    @Test
    void benchGpuWithoutAGpuSaysSoInOneLine() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a GPU is present");
        StringWriter err = new StringWriter();
        int code = TokenTmCommand.commandLine().setErr(new PrintWriter(err)).execute("bench-gpu");
        assertEquals(1, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("tokentm bench-gpu: no GPU visible to PyTorch"), err.toString());
    }
}
