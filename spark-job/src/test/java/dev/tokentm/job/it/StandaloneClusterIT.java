package dev.tokentm.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A real standalone cluster on loopback: a Spark master and two workers started from the project's
 * own Spark jars (a SPARK_HOME whose {@code jars/} links {@code target/local-classpath.txt}), and
 * the shaded job jar submitted with SparkSubmit on two executors; a second cluster run, with
 * speculation on, kills one executor JVM with SIGKILL mid-run: the job finishes and every image is
 * counted once.
 */
class StandaloneClusterIT {

    @TempDir
    Path tmp;

    @RegisterExtension
    final Processes processes = new Processes();

    private Path sparkHome() throws Exception {
        Path home = tmp.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String jar : Processes.sparkClasspath().split(":")) {
            Path source = Path.of(jar);
            Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
        }
        // With a RELEASE file, Spark's launcher takes SPARK_HOME/jars as Spark's classpath.
        Files.writeString(home.resolve("RELEASE"), "Spark 4.1 (jars from the tokentm build)\n");
        return home;
    }

    /** A running loopback cluster: its master URL, the environment to launch with, the workers' folders. */
    private record Cluster(String url, Map<String, String> env, String classpath, List<Path> workDirs) {}

    /** A master and two workers of one core each. */
    private Cluster startCluster() throws Exception {
        Path home = sparkHome();
        String classpath = home.resolve("jars") + "/*";
        // bin/load-spark-env.sh sets SPARK_SCALA_VERSION in a distribution; the launcher needs it.
        Map<String, String> env =
                Map.of("SPARK_HOME", home.toString(), "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_SCALA_VERSION", "2.13");
        int masterPort = Processes.freePort();
        List<String> master = new ArrayList<>(List.of(Processes.java(), "-Xmx512m", "-cp", classpath));
        master.addAll(Processes.opens());
        master.addAll(List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(Processes.freePort())));
        Path masterLog = tmp.resolve("master.log");
        Process m = processes.launch(master, env, masterLog);
        Processes.awaitPort(masterPort, m, masterLog, 60_000);
        String url = "spark://127.0.0.1:" + masterPort;
        List<Path> workDirs = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Path workDir = Files.createDirectories(tmp.resolve("worker-" + w));
            workDirs.add(workDir);
            int port = Processes.freePort();
            List<String> worker = new ArrayList<>(List.of(Processes.java(), "-Xmx512m", "-cp", classpath));
            worker.addAll(Processes.opens());
            worker.addAll(List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--webui-port",
                    String.valueOf(Processes.freePort()),
                    "--cores",
                    "1",
                    "--memory",
                    "2g",
                    "--work-dir",
                    workDir.toString(),
                    url));
            Path log = tmp.resolve("worker-" + w + ".log");
            Process p = processes.launch(worker, env, log);
            Processes.awaitPort(port, p, log, 60_000);
        }
        return new Cluster(url, env, classpath, workDirs);
    }

    /** spark-submit of the job jar on the cluster in client mode; {@code conf} and {@code args} are added. */
    private List<String> submit(Cluster cluster, List<String> conf, List<String> args) {
        String opens = String.join(" ", Processes.opens());
        List<String> submit = new ArrayList<>(List.of(Processes.java(), "-Xmx2g", "-cp", cluster.classpath()));
        submit.addAll(Processes.opens());
        submit.addAll(List.of(
                "-Dai.djl.offline=true",
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                cluster.url(),
                "--deploy-mode",
                "client",
                "--class",
                "dev.tokentm.job.cli.TokenTmCommand",
                "--conf",
                "spark.executor.memory=1500m",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executor.extraJavaOptions=" + opens + " -Dai.djl.offline=true"));
        submit.addAll(conf);
        submit.add(Processes.JOB_JAR.toString());
        submit.addAll(args);
        return submit;
    }

    @Test
    void jobRunsThroughSparkSubmitOnTwoExecutors() throws Exception {
        Cluster cluster = startCluster();
        Map<String, String> env = cluster.env();
        List<Path> workDirs = cluster.workDirs();
        Path out = tmp.resolve("out");
        List<String> submit = submit(
                cluster,
                List.of(),
                List.of(
                        "explain",
                        "--input",
                        Processes.REPO.resolve("data/sample/manifest.csv").toString(),
                        "--limit",
                        "12",
                        "--partitions",
                        "4",
                        "--batch-size",
                        "4",
                        "--methods",
                        "tokentm,gae",
                        "--targets",
                        "predicted",
                        "--output",
                        out.toString()));
        Path submitLog = tmp.resolve("submit.log");
        Process job = processes.launch(submit, env, submitLog);
        assertTrue(job.waitFor(8, TimeUnit.MINUTES), "job timed out:\n" + Processes.tail(submitLog));
        String log = Files.readString(submitLog);
        assertEquals(0, job.exitValue(), log);
        assertTrue(log.contains("12 explained now"), log);

        // Two executors, one per worker, did the work.
        int executors = 0;
        for (Path dir : workDirs) {
            try (Stream<Path> apps = Files.list(dir)) {
                for (Path app : apps.filter(p -> p.getFileName().toString().startsWith("app-"))
                        .toList()) {
                    try (Stream<Path> e = Files.list(app)) {
                        executors += (int) e.filter(Files::isDirectory).count();
                    }
                }
            }
        }
        assertEquals(2, executors, "executor directories under the workers");
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            assertEquals(
                    24,
                    spark.read()
                            .parquet(out.resolve("images").toString())
                            .where("error is null")
                            .count());
        } finally {
            spark.stop();
        }
    }

    /**
     * The SQL functions on the cluster, as a notebook uses them: a session (the driver, in this JVM) with the job
     * jar and {@code spark.sql.extensions}, a view made in SQL from the sample's manifest, {@code tokentm_explain}
     * cached on the two executors, then {@code tokentm_metrics} over it.
     */
    @Test
    void sqlFunctionsRunOnTheCluster() throws Exception {
        Cluster cluster = startCluster();
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession spark = SparkSession.builder()
                .master(cluster.url())
                .appName("tokentm sql on a cluster")
                .config("spark.jars", Processes.JOB_JAR.toAbsolutePath().toString())
                .config("spark.sql.extensions", "dev.tokentm.job.sql.TokenTmExtensions")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.memory", "1500m")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.ui.enabled", "false")
                .config(
                        "spark.executor.extraJavaOptions",
                        String.join(" ", Processes.opens()) + " -Dai.djl.offline=true")
                .getOrCreate();
        try {
            Path sample = Processes.REPO.resolve("data/sample").toAbsolutePath();
            spark.sql("CREATE TEMPORARY VIEW manifest USING csv OPTIONS (path '" + sample.resolve("manifest.csv")
                    + "', header 'true')");
            spark.sql("CREATE TEMPORARY VIEW images AS SELECT concat('" + sample + "/', path) AS path,"
                    + " CAST(label AS INT) AS label FROM manifest ORDER BY path LIMIT 12");
            spark.sql("CACHE TABLE explained AS SELECT * FROM tokentm_explain('images', methods => 'tokentm,gae',"
                    + " targets => 'predicted', protocols => 'zero', batch_size => 4)");
            var counts = spark.sql("SELECT count(*) AS rows, count(error) AS errors, count(DISTINCT device) AS devices"
                            + " FROM explained")
                    .first();
            assertEquals(24L, counts.<Long>getAs("rows"));
            assertEquals(0L, counts.<Long>getAs("errors"));
            var metrics = spark.sql("SELECT method, images, srg, srg_ci95 FROM tokentm_metrics('explained')"
                            + " ORDER BY method")
                    .collectAsList();
            assertEquals(2, metrics.size());
            assertEquals("gae", metrics.get(0).getString(0));
            assertEquals(12L, metrics.get(0).<Long>getAs("images"));
            assertTrue(metrics.get(1).getList(3).size() == 2, "an interval per metric: " + metrics.get(1));
        } finally {
            spark.stop();
        }
        int executors = 0;
        for (Path dir : cluster.workDirs()) {
            try (Stream<Path> apps = Files.list(dir)) {
                executors += (int) apps.filter(p -> p.getFileName().toString().startsWith("app-"))
                        .count();
            }
        }
        assertEquals(2, executors, "both workers ran an executor for the session");
    }

    /**
     * An executor JVM killed with SIGKILL while tasks run, and speculative execution on: Spark
     * retries the lost tasks on a new executor, and every image is counted exactly once.
     */
    @Test
    void aKilledExecutorAndSpeculativeTasksNeverLoseOrDoubleCountAnImage() throws Exception {
        Cluster cluster = startCluster();
        Path out = tmp.resolve("out");
        int images = 64;
        List<String> submit = submit(
                cluster,
                List.of(
                        "--conf", "spark.speculation=true",
                        "--conf", "spark.speculation.interval=200ms",
                        "--conf", "spark.speculation.quantile=0.25",
                        "--conf", "spark.speculation.multiplier=1.2",
                        "--conf", "spark.speculation.minTaskRuntime=500ms"),
                List.of(
                        "explain",
                        "--input",
                        Processes.REPO.resolve("data/sample/manifest.csv").toString(),
                        "--limit",
                        String.valueOf(images),
                        "--partitions",
                        "16",
                        "--batch-size",
                        "2",
                        "--methods",
                        "tokentm",
                        "--targets",
                        "predicted",
                        "--no-report",
                        "--output",
                        out.toString()));
        Path submitLog = tmp.resolve("submit.log");
        Process job = processes.launch(submit, cluster.env(), submitLog);
        // Kill one executor as soon as the first images are done.
        long deadline = System.currentTimeMillis() + 5 * 60_000;
        ProcessHandle victim = null;
        while (victim == null && job.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            if (Files.readString(submitLog).matches("(?s).*progress: [1-9].*")) {
                victim = ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                        .findFirst()
                        .orElse(null);
            }
        }
        assertTrue(victim != null, "an executor to kill while the job runs:\n" + Processes.tail(submitLog));
        assertTrue(victim.destroyForcibly(), "SIGKILL sent");
        assertTrue(job.waitFor(8, TimeUnit.MINUTES), "job timed out:\n" + Processes.tail(submitLog));
        String log = Files.readString(submitLog);
        assertEquals(0, job.exitValue(), log);
        assertTrue(log.contains(images + " explained now"), log);
        assertTrue(
                log.contains("ExecutorLostFailure") || log.contains("Lost executor"), "the executor was lost:\n" + log);

        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            var metrics =
                    spark.read().parquet(out.resolve("metrics").toString()).collectAsList();
            assertEquals(1, metrics.size());
            assertEquals(images, metrics.get(0).<Long>getAs("images"), "each image counted once in the metrics");
            var rows = spark.read().parquet(out.resolve("images").toString());
            assertEquals(
                    images,
                    rows.select("image_id", "method", "target").distinct().count());
            assertEquals(0, rows.where("error is not null").count());
        } finally {
            spark.stop();
        }
    }
}
