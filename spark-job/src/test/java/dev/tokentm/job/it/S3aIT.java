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
 * The job against s3proxy on loopback: images, masks and manifest read from and Parquet and the
 * summary written to {@code s3a://}, credentials from environment variables only and never
 * printed; s3proxy stopped while a job runs: the job exits 1 with one line naming the store, no
 * image is marked failed, and a re-run after the store is back completes with each image once.
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
        copySix(lines, bucket);
        // One more image under a key with a space, '#', '%', '+' and accents, and its mask likewise.
        String[] seventh = lines.get(7).split(",");
        String awkward = "images/Ankle boot/a b #1 100% + été.png";
        String awkwardMask = "masks/Ankle boot/a b #1 100% + été.png";
        Files.createDirectories(bucket.resolve("sample").resolve(awkward).getParent());
        Files.createDirectories(bucket.resolve("sample").resolve(awkwardMask).getParent());
        Files.copy(
                Processes.REPO.resolve("data/sample").resolve(seventh[0]),
                bucket.resolve("sample").resolve(awkward));
        Files.copy(
                Processes.REPO.resolve("data/sample").resolve(seventh[2]),
                bucket.resolve("sample").resolve(awkwardMask));
        manifest.add("\"" + awkward + "\"," + seventh[1] + ",\"" + awkwardMask + "\"");
        Files.write(bucket.resolve("sample/manifest.csv"), manifest);

        int port = Processes.freePort();
        startProxy(store, port);

        List<String> command = job(
                port,
                List.of(),
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
                "local[2]");
        Path jobLog = tmp.resolve("job.log");
        Process job = processes.launch(command, CREDENTIALS, jobLog);
        assertTrue(job.waitFor(5, TimeUnit.MINUTES), "job timed out:\n" + Processes.tail(jobLog));
        String log = Files.readString(jobLog);
        assertEquals(0, job.exitValue(), log);
        assertTrue(log.contains("7 explained now"), log);
        assertTrue(log.contains("0 failed"), "the awkward key is read: " + log);
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
            assertEquals(7, rows.where("error is null and seg_ap is not null").count(), "explained with their masks");
            assertTrue(rows.first().<String>getAs("path").startsWith("s3a://corpus/sample/images/"));
        } finally {
            spark.stop();
        }
    }

    private static final Map<String, String> CREDENTIALS =
            Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1");

    /** The first six sample images and their masks, as objects under {@code s3a://corpus/sample/}. */
    private static void copySix(List<String> manifestLines, Path bucket) throws Exception {
        for (String line : manifestLines.subList(1, 7)) {
            String[] cells = line.split(",");
            for (String file : new String[] {cells[0], cells[2]}) {
                Path target = bucket.resolve("sample").resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(Processes.REPO.resolve("data/sample").resolve(file), target);
            }
        }
    }

    /** s3proxy on loopback, its objects kept as files under {@code store}. */
    private Process startProxy(Path store, int port) throws Exception {
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
        Path proxyLog = Files.createTempFile(tmp, "s3proxy", ".log");
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
        return proxy;
    }

    /** The job's command line against the store on {@code port}, with extra JVM settings. */
    private static List<String> job(int port, List<String> settings, String... args) throws Exception {
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
                        + "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider"));
        command.addAll(settings);
        command.addAll(List.of(
                "-cp", Processes.JOB_JAR + ":" + Processes.sparkClasspath(), "dev.tokentm.job.cli.TokenTmCommand"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The store stops while the job reads images and writes Parquet: the job fails with one line
     * naming the store, no image is marked failed for the outage, and a re-run once the store is
     * back explains exactly what is missing.
     */
    @Test
    void aStoreThatGoesAwayMidRunStopsTheJobAndAResumeLosesNothing() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        Path bucket = Files.createDirectories(store.resolve("corpus"));
        List<String> lines = Files.readAllLines(Processes.REPO.resolve("data/sample/manifest.csv"));
        int images = 48;
        List<String> manifest = new ArrayList<>(List.of("image_id,path,label,mask_path"));
        for (int i = 0; i < images; i++) {
            String[] cells = lines.get(1 + i % 6).split(",");
            manifest.add("copy-" + i + "," + cells[0] + "," + cells[1] + "," + cells[2]);
        }
        copySix(lines, bucket);
        Files.write(bucket.resolve("sample/manifest.csv"), manifest);
        int port = Processes.freePort();
        Process proxy = startProxy(store, port);
        List<String> command = job(
                port,
                List.of(
                        // Fail fast once the store is gone, instead of S3A's minutes of retries.
                        "-Dspark.hadoop.fs.s3a.retry.limit=1",
                        "-Dspark.hadoop.fs.s3a.retry.interval=100ms",
                        "-Dspark.hadoop.fs.s3a.attempts.maximum=1",
                        "-Dspark.hadoop.fs.s3a.connection.establish.timeout=2s",
                        "-Dspark.hadoop.fs.s3a.connection.timeout=5s"),
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
                "2",
                "--partitions",
                "12",
                "--no-report",
                "--master",
                "local[2]");
        Path firstLog = tmp.resolve("first.log");
        Process first = processes.launch(command, CREDENTIALS, firstLog);
        long deadline = System.currentTimeMillis() + 4 * 60_000;
        while (first.isAlive()
                && System.currentTimeMillis() < deadline
                && !Files.readString(firstLog).matches("(?s).*progress: [1-9].*")) {
            Thread.sleep(100);
        }
        assertTrue(first.isAlive(), "the job should still run when the store goes:\n" + Processes.tail(firstLog));
        Processes.stop(proxy);
        assertTrue(first.waitFor(5, TimeUnit.MINUTES), "job did not stop:\n" + Processes.tail(firstLog));
        String failed = Files.readString(firstLog);
        assertEquals(1, first.exitValue(), failed);
        String reason = failed.lines()
                .filter(l -> l.startsWith("tokentm explain: "))
                .findFirst()
                .orElse("");
        assertTrue(
                reason.contains("s3a://corpus/") || reason.contains("127.0.0.1:" + port), "names the store: " + failed);
        assertFalse(failed.contains(SECRET_KEY), "the secret key was printed");

        startProxy(store, port);
        Path secondLog = tmp.resolve("second.log");
        Process second = processes.launch(command, CREDENTIALS, secondLog);
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "resume timed out:\n" + Processes.tail(secondLog));
        String resumed = Files.readString(secondLog);
        assertEquals(0, second.exitValue(), resumed);
        assertTrue(resumed.contains(images + " images in"), resumed);
        assertTrue(resumed.contains("0 failed"), "no image was marked failed for the outage:\n" + resumed);

        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            var rows = spark.read().parquet(bucket.resolve("run/images").toString());
            assertEquals(
                    images,
                    rows.select("image_id", "method", "target").distinct().count(),
                    "nothing lost");
            assertEquals(0, rows.where("error is not null").count());
            var metrics = spark.read()
                    .parquet(bucket.resolve("run/metrics").toString())
                    .collectAsList();
            assertEquals(images, metrics.get(0).<Long>getAs("images"), "nothing counted twice");
        } finally {
            spark.stop();
        }
    }
}
