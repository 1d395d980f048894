package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java versions the job runs on: the CLI's check, and {@code bin/check-java} (which {@code bin/tokentm}
 * runs first) against stand-in {@code java} commands that print a given version, as JDKs do.
 */
class JavaVersionCheckTest {

    private static final Path REPO = Path.of(System.getProperty("tokentm.repo.dir", ".."));

    @TempDir
    Path dir;

    @Test
    void theCliRefusesOtherVersionsInOneLine() {
        assertEquals(Optional.empty(), JavaVersionCheck.refusal(Runtime.Version.parse("17.0.15"), "17 21"));
        assertEquals(Optional.empty(), JavaVersionCheck.refusal(Runtime.Version.parse("21.0.2+13"), "17 21"));
        assertEquals(Optional.empty(), JavaVersionCheck.refusal(Runtime.Version.parse("25.0.3"), null));
        assertEquals(
                "Java 25.0.3+9-LTS is not supported: the job runs on Java 17 or 21 (Spark 4.1's); set JAVA_HOME to one"
                        + " (on a cluster also spark.executorEnv.JAVA_HOME)",
                JavaVersionCheck.refusal(Runtime.Version.parse("25.0.3+9-LTS"), "17 21")
                        .orElseThrow());
    }

    /** The running JVM (this build's) passes the check against the pom's list. */
    @Test
    void theBuildsJavaIsSupported() throws Exception {
        String pom = Files.readString(REPO.resolve("pom.xml"));
        String versions = pom.replaceAll("(?s).*<tokentm.java.versions>(.*?)</tokentm.java.versions>.*", "$1");
        assertEquals("17 21", versions);
        assertEquals(Optional.empty(), JavaVersionCheck.refusal(Runtime.version(), versions));
    }

    @Test
    void checkJavaAcceptsSeventeenAndTwentyOneOnly() throws Exception {
        for (String ok : List.of("17.0.9", "21", "21.0.2")) {
            Result r = run(
                    List.of(
                            REPO.resolve("bin/check-java").toString(),
                            fakeJava(ok).toString()),
                    Map.of());
            assertEquals(0, r.code(), ok + ": " + r.err());
            assertEquals("", r.err(), ok);
        }
        for (String bad : List.of("25.0.3", "23", "11.0.2", "1.8.0_292")) {
            Result r = run(
                    List.of(
                            REPO.resolve("bin/check-java").toString(),
                            fakeJava(bad).toString()),
                    Map.of());
            assertEquals(1, r.code(), bad);
            assertEquals(1, r.err().lines().count(), bad + ": " + r.err());
            assertTrue(
                    r.err().startsWith("tokentm: Java " + bad + " (") && r.err().contains("runs on Java 17 or 21"),
                    r.err());
            assertTrue(r.err().contains("set JAVA_HOME to one"), r.err());
        }
    }

    /** bin/tokentm checks before anything else (no build, no JVM): one line, exit code 1. */
    @Test
    void binTokentmStopsOnAnUnsupportedJavaHome() throws Exception {
        Path java = fakeJava("25.0.3");
        Result r = run(
                List.of(REPO.resolve("bin/tokentm").toString(), "explain"),
                Map.of("JAVA_HOME", java.getParent().getParent().toString()));
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("tokentm: Java 25.0.3 (" + java + ") is not supported"), r.err());
    }

    /** A stand-in JDK whose {@code bin/java -version} prints {@code version} as OpenJDK does. */
    private Path fakeJava(String version) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("jdk-" + version).resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(
                java,
                "#!/usr/bin/env bash\necho 'openjdk version \"" + version + "\" 2026-01-01' >&2\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    private record Result(int code, String err) {}

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), err);
    }
}
