package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenTmJobTest {

    @Test
    void badInputGivesOneLineNamingTheProblem(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = TokenTmJob.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(
                "make-data",
                "--out",
                dir.resolve("out").toString(),
                "--count",
                "2",
                "--fashion-mnist",
                dir.resolve("nowhere").toString());
        assertEquals(1, code);
        String text = err.toString();
        assertTrue(
                text.startsWith("tokentm make-data: Fashion-MNIST file train-images-idx3-ubyte(.gz) not found")
                        || text.startsWith(
                                "tokentm make-data: Fashion-MNIST file t10k-images-idx3-ubyte(.gz) not found"),
                text);
        assertTrue(text.contains("apt-get install dataset-fashion-mnist"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
    }
}
