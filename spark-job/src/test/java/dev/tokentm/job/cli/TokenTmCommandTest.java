package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line: bad input is one line naming the problem (a missing dataset; an unknown
 * protocol, negative bootstrap replicates, an empty sanity sample, a method parameter that does
 * not exist or a method named twice, before Spark starts); method specs with parameters reach the
 * settings in canonical form; every command is a {@code cli/} class named after it; {@code
 * explain}'s defaults are the transformer's ({@code ExplainSettings.defaults()}), {@code study}'s
 * are the paper's baselines, zeroing and ROAD, the predicted class.
 */
class TokenTmCommandTest {

    @Test
    void badInputGivesOneLineNamingTheProblem(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = TokenTmCommand.commandLine();
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

    @Test
    void badProtocolOrStatisticsOptionsGiveOneLineBeforeSparkStarts(@TempDir Path dir) {
        String[][] cases = {
            {"--protocols", "zero,rod", "unknown protocol 'rod'; known: zero, road, blur, sanity"},
            {"--bootstrap", "-5", "bootstrap replicates must be >= 0, got -5"},
            {"--sanity-images", "0", "--sanity-images must be at least 1, got 0"},
            {
                "--methods",
                "gae,integrated-gradients(stepz=4)",
                "method 'integrated-gradients' has no parameter 'stepz'; its parameters: steps, resolution"
            },
            {"--methods", "gae,rollout,gae", "method 'gae' is named twice"},
            {
                "--methods",
                "gae,evit(blocks=3+40)",
                "method 'evit(blocks=3+40)': block 40 is beyond the model's 6 blocks (0 to 5)"
            }
        };
        for (String[] c : cases) {
            StringWriter err = new StringWriter();
            CommandLine cli = TokenTmCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("explain", "--input", dir.toString(), "--output", dir.toString(), c[0], c[1]);
            assertEquals(1, code, err.toString());
            assertEquals("tokentm explain: " + c[2], err.toString().strip(), c[0]);
        }
    }

    @Test
    void everyCommandIsAClassInCliNamedAfterIt() {
        CommandLine cli = TokenTmCommand.commandLine();
        assertTrue(
                cli.getSubcommands().size() >= 7, cli.getSubcommands().keySet().toString());
        for (var command : cli.getSubcommands().entrySet()) {
            Class<?> type = command.getValue().getCommand().getClass();
            StringBuilder expected = new StringBuilder();
            for (String word : command.getKey().split("-")) {
                expected.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
            assertEquals(expected + "Command", type.getSimpleName(), command.getKey());
            assertEquals(TokenTmCommand.class.getPackageName(), type.getPackageName(), command.getKey());
        }
    }

    @Test
    void explainDefaultsAreTheTransformersDefaults() {
        CommandLine cli = TokenTmCommand.commandLine();
        cli.parseArgs("explain");
        CommandLine explain = cli.getSubcommands().get("explain");
        ExplainCommand command = explain.getCommand();
        ExplainSettings fromCli = command.explain.applyTo(new VitExplainer()).settings();
        ExplainSettings defaults = new VitExplainer().settings();
        assertEquals(defaults, fromCli);
        assertEquals(ExplainSettings.defaults(), defaults);
        assertEquals(defaults.threads(), command.threads);
        assertEquals(defaults.limits().maxPixels(), command.maxMegapixels * 1_000_000L);
        var spec = explain.getCommandSpec();
        assertEquals(
                String.join(",", ExplainerRegistry.defaults()),
                spec.findOption("--methods").defaultValueString());
        assertEquals("predicted,label", spec.findOption("--targets").defaultValueString());
        String help = explain.getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(help.contains("Default: predicted,label."), help);
        assertTrue(help.contains("Default: " + defaults.batchSize() + "."), help);
    }

    @Test
    void studyDefaultsAreThePapersBaselinesZeroingAndRoadForThePredictedClass() {
        CommandLine cli = TokenTmCommand.commandLine();
        cli.parseArgs("study");
        var spec = cli.getSubcommands().get("study").getCommandSpec();
        java.util.List<String> baselines = new java.util.ArrayList<>(ExplainerRegistry.defaults());
        baselines.remove("tokentm");
        assertEquals(String.join(",", baselines), spec.findOption("--methods").defaultValueString());
        assertEquals("zero,road", spec.findOption("--protocols").defaultValueString());
        assertEquals("predicted", spec.findOption("--targets").defaultValueString());
        assertEquals(
                "table6,table6-scaled,table7,readings",
                spec.findOption("--sections").defaultValueString());
        assertEquals("tokentm-study", spec.findOption("--output").defaultValueString());
        // explain keeps its own.
        cli.parseArgs("explain");
        var explain = cli.getSubcommands().get("explain").getCommandSpec();
        assertEquals("tokentm-output", explain.findOption("--output").defaultValueString());
        assertEquals("predicted,label", explain.findOption("--targets").defaultValueString());
    }

    @Test
    void methodSpecsWithParametersReachTheSettingsInCanonicalForm() {
        CommandLine cli = TokenTmCommand.commandLine();
        cli.parseArgs(
                "explain", "--methods", "gae,integrated-gradients(steps=32), integrated-gradients( steps=8 ),rollout");
        ExplainCommand command = cli.getSubcommands().get("explain").getCommand();
        assertEquals(
                java.util.List.of("gae", "integrated-gradients", "integrated-gradients(steps=8)", "rollout"),
                command.explain.applyTo(new VitExplainer()).settings().methods());
    }

    @Test
    void aFailureIsOneLineNamingTheProblem() {
        // Spark's "Job aborted" message carries the task's stack trace; a tokentm cause speaks for itself.
        RuntimeException spark = new RuntimeException(
                "Job aborted due to stage failure: Task 1 failed\n\tat org.apache.spark.Foo",
                new dev.tokentm.udfs.io.StorageUnavailableException(
                        "s3a://bucket/a.png", new java.io.IOException("Connection refused")));
        assertEquals("cannot reach the store of s3a://bucket/a.png: Connection refused", TokenTmCommand.oneLine(spark));
        RuntimeException other =
                new RuntimeException("wrote nothing\nmore", new IllegalStateException("disk full\n\tat x"));
        assertEquals("wrote nothing: disk full", TokenTmCommand.oneLine(other));
        assertEquals("plain", TokenTmCommand.oneLine(new IllegalArgumentException("plain")));
    }
}
