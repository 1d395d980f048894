package dev.tokentm.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed with SIGKILL after two partitions keeps them whole; the re-run completes the rest,
 * each image once.
 */
class ResumeAfterKillIT {

    @TempDir
    Path tmp;

    @RegisterExtension
    final Processes processes = new Processes();

    private List<String> command(Path out) throws Exception {
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx3g"));
        command.addAll(Processes.opens());
        command.addAll(List.of(
                "-Dai.djl.offline=true",
                "-cp",
                Processes.JOB_JAR + ":" + Processes.sparkClasspath(),
                "dev.tokentm.job.cli.TokenTmCommand",
                "explain",
                "--input",
                Processes.REPO.resolve("data/sample/manifest.csv").toString(),
                "--limit",
                "24",
                "--partitions",
                "8",
                "--batch-size",
                "3",
                "--methods",
                "tokentm,rollout",
                "--targets",
                "predicted",
                "--master",
                "local[1]",
                "--output",
                out.toString()));
        return command;
    }

    private static Set<String> parts(Path images) throws Exception {
        if (!Files.isDirectory(images)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(images)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".parquet"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void killedJobLosesNoFinishedPartition() throws Exception {
        Path out = tmp.resolve("out");
        Path images = out.resolve("images");
        Path firstLog = tmp.resolve("first.log");
        Process first = processes.launch(command(out), Map.of(), firstLog);
        long deadline = System.currentTimeMillis() + 180_000;
        while (parts(images).size() < 2 && first.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(first.isAlive(), "the first run ended before it could be killed:\n" + Processes.tail(firstLog));
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hooks, no job commit
        Set<String> kept = parts(images);
        assertTrue(kept.size() >= 2 && kept.size() < 8, "finished partitions at the kill: " + kept);

        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        long before;
        try {
            Dataset<Row> partial = spark.read().parquet(images.toString());
            before = partial.select("image_id").distinct().count();
            assertTrue(before > 0 && before < 24, before + " images after the kill");
            assertEquals(2 * before, partial.count(), "every image kept has both methods' rows");
        } finally {
            spark.stop();
        }

        Path secondLog = tmp.resolve("second.log");
        Process second = processes.launch(command(out), Map.of(), secondLog);
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), Processes.tail(secondLog));
        String log = Files.readString(secondLog);
        assertEquals(0, second.exitValue(), log);
        assertTrue(log.contains(before + " already done, " + (24 - before) + " to explain"), log);
        // The killed run's marker names a dead process of this host: taken over at once, not after it expires.
        assertTrue(log.contains("stopped without finishing"), log);
        assertTrue(parts(images).containsAll(kept), "the first run's files are still there");

        spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            Dataset<Row> all = spark.read().parquet(images.toString());
            assertEquals(48, all.count());
            assertEquals(48, all.select("image_id", "method").distinct().count(), "no duplicates");
        } finally {
            spark.stop();
        }
    }
}
