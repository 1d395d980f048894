package dev.tokentm.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading from and writing to {@code s3a://} against a real S3 server on loopback (s3proxy, its
 * objects kept as files in a temporary directory). Credentials reach the job only through the
 * AWS provider chain (environment variables) and must not appear in its output.
 */
class S3aIT {

    private static final String ACCESS_KEY = "tokentm-access";
    private static final String SECRET_KEY = "tokentm-secret-do-not-print";

    @TempDir
    Path tmp;

    @RegisterExtension
    final Processes processes = new Processes();

    @Test
    void jobReadsAndWritesS3a() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        Path bucket = Files.createDirectories(store.resolve("corpus"));
        // Six sample images, masks and a manifest with relative paths become objects under s3a://corpus/sample/.
        List<String> lines = Files.readAllLines(Processes.REPO.resolve("data/sample/manifest.csv"));
        List<String> manifest = new ArrayList<>(lines.subList(0, 7));
        for (String line : manifest.subList(1, manifest.size())) {
            String[] cells = line.split(",");
            for (String file : new String[] {cells[0], cells[2]}) {
                Path target = bucket.resolve("sample").resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(Processes.REPO.resolve("data/sample").resolve(file), target);
            }
        }
        Files.write(bucket.resolve("sample/manifest.csv"), manifest);

        int port = Processes.freePort();
        Path properties = tmp.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + store,
                        ""));
        Path proxyLog = tmp.resolve("s3proxy.log");
        Process proxy = processes.launch(
                List.of(
                        Processes.java(),
                        "-Xmx256m",
                        "-jar",
                        System.getProperty("tokentm.s3proxy.jar"),
                        "--properties",
                        properties.toString()),
                Map.of(),
                proxyLog);
        Processes.awaitPort(port, proxy, proxyLog, 60_000);

        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx3g"));
        command.addAll(Processes.opens());
        command.addAll(List.of(
                "-Dai.djl.offline=true",
                "-Dspark.hadoop.fs.s3a.endpoint=http://127.0.0.1:" + port,
                "-Dspark.hadoop.fs.s3a.endpoint.region=us-east-1",
                "-Dspark.hadoop.fs.s3a.path.style.access=true",
                "-Dspark.hadoop.fs.s3a.connection.ssl.enabled=false",
                // s3proxy's file store sends no ETag on ranged reads.
                "-Dspark.hadoop.fs.s3a.change.detection.version.required=false",
                "-Dspark.hadoop.fs.s3a.aws.credentials.provider="
                        + "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
                "-cp",
                Processes.JOB_JAR + ":" + Processes.sparkClasspath(),
                "dev.tokentm.job.cli.TokenTmCommand",
                "explain",
                "--input",
                "s3a://corpus/sample/manifest.csv",
                "--output",
                "s3a://corpus/run",
                "--methods",
                "tokentm",
                "--targets",
                "predicted",
                "--batch-size",
                "3",
                "--master",
                "local[2]"));
        Path jobLog = tmp.resolve("job.log");
        Process job = processes.launch(
                command,
                Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1"),
                jobLog);
        assertTrue(job.waitFor(5, TimeUnit.MINUTES), "job timed out:\n" + Processes.tail(jobLog));
        String log = Files.readString(jobLog);
        assertEquals(0, job.exitValue(), log);
        assertTrue(log.contains("6 explained now"), log);
        assertFalse(log.contains(SECRET_KEY), "the secret key was printed");

        // The output objects are on the server's disk; read them back as files.
        Path run = bucket.resolve("run");
        assertTrue(Files.isRegularFile(run.resolve("summary.json")), "summary.json written through s3a");
        assertFalse(Files.readString(run.resolve("summary.json")).contains(SECRET_KEY));
        try (Stream<Path> files = Files.list(run.resolve("images"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
        }
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            var rows = spark.read().parquet(run.resolve("images").toString());
            assertEquals(6, rows.where("error is null and seg_ap is not null").count(), "explained with their masks");
            assertTrue(rows.first().<String>getAs("path").startsWith("s3a://corpus/sample/images/"));
        } finally {
            spark.stop();
        }
    }
}
