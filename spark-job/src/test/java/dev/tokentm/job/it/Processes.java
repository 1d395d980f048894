package dev.tokentm.job.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child JVMs for the integration tests (the shaded job jar, Spark's own classes, s3proxy). Each
 * test registers one instance ({@code @RegisterExtension}); whatever it started is killed after
 * the test, passed or failed.
 */
final class Processes implements org.junit.jupiter.api.extension.AfterEachCallback {

    private final java.util.List<Process> started = new java.util.ArrayList<>();

    @Override
    public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
        started.forEach(Processes::stop);
        started.clear();
    }

    /** Starts a process that is killed after the test; output and errors go to {@code log}. */
    Process launch(List<String> command, Map<String, String> env, Path log) throws IOException {
        Process p = start(command, env, log);
        started.add(p);
        return p;
    }

    static final Path REPO = Path.of(System.getProperty("tokentm.repo.dir", "."));
    static final Path JOB_JAR =
            Path.of(System.getProperty("tokentm.job.jar", "spark-job/target/tokentm-spark-job.jar"));
    static final Path CLASSPATH_FILE =
            Path.of(System.getProperty("tokentm.local.classpath", "spark-job/target/local-classpath.txt"));
    static final String OPENS = System.getProperty("tokentm.jvm.opens", "");

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> opens() {
        List<String> out = new ArrayList<>();
        for (String s : OPENS.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Spark's provided jars, as the job is run in local mode by bin/tokentm. */
    static String sparkClasspath() throws IOException {
        return Files.readString(CLASSPATH_FILE).trim();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port, Process process, Path log, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process ended early:\n" + tail(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("nothing listening on " + port + " after " + millis + " ms:\n" + tail(log));
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void stop(Process p) {
        if (p != null && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
