package dev.tokentm.job.cli;

import dev.tokentm.job.input.CommittedSample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;

/** A {@code tokentm} command run in this JVM on the committed sample, its standard output captured. */
record SampleCommand(int exitCode, String out) {

    static SampleCommand run(String... args) {
        String sample = Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample", "manifest.csv")
                .toString();
        String before = System.setProperty(CommittedSample.PROPERTY, sample);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new TokenTmCommand()).execute(args);
            return new SampleCommand(code, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(previous);
            if (before == null) {
                System.clearProperty(CommittedSample.PROPERTY);
            } else {
                System.setProperty(CommittedSample.PROPERTY, before);
            }
        }
    }
}
