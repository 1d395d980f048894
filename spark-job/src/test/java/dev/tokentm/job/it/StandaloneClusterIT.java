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
 * A real standalone cluster on loopback: a Spark master and two workers started from the
 * project's own Spark jars (a SPARK_HOME whose {@code jars/} links them), and the shaded job jar
 * submitted with {@code spark-submit} (SparkSubmit) to run on two executors.
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

    @Test
    void jobRunsThroughSparkSubmitOnTwoExecutors() throws Exception {
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

        Path out = tmp.resolve("out");
        String opens = String.join(" ", Processes.opens());
        List<String> submit = new ArrayList<>(List.of(Processes.java(), "-Xmx2g", "-cp", classpath));
        submit.addAll(Processes.opens());
        submit.addAll(List.of(
                "-Dai.djl.offline=true",
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                url,
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
                "spark.executor.extraJavaOptions=" + opens + " -Dai.djl.offline=true",
                Processes.JOB_JAR.toString(),
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
}
