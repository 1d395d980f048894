package dev.tokentm.job.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.Manifest;

/**
 * The Java versions the job runs on, checked before a command starts: {@code spark-submit} starts the driver
 * on whatever Java a machine has, and from Java 23 Hadoop's user lookup fails deep inside Spark ("getSubject
 * is not supported"). The list is pom.xml's {@code tokentm.java.versions}, written into the job jar's
 * manifest; {@code bin/check-java} reads the same property before {@code bin/tokentm} starts a JVM.
 */
final class JavaVersionCheck {

    /** The manifest attribute holding the supported feature versions, separated by spaces. */
    static final String MANIFEST_ATTRIBUTE = "Tokentm-Java-Versions";

    private JavaVersionCheck() {}

    /**
     * Why Java {@code version} cannot run the job, or empty when it can, or when {@code supported} is unknown
     * (classes not run from the job jar, as in tests).
     */
    static Optional<String> refusal(Runtime.Version version, String supported) {
        if (supported == null || supported.isBlank()) {
            return Optional.empty();
        }
        String[] versions = supported.trim().split("\\s+");
        if (Arrays.asList(versions).contains(Integer.toString(version.feature()))) {
            return Optional.empty();
        }
        return Optional.of(
                "Java " + version + " is not supported: the job runs on Java " + String.join(" or ", versions)
                        + " (Spark 4.1's); set JAVA_HOME to one (on a cluster also spark.executorEnv.JAVA_HOME)");
    }

    /** The refusal for the running JVM, from the job jar's manifest. */
    static Optional<String> current() {
        return refusal(Runtime.version(), supportedFromManifest());
    }

    private static String supportedFromManifest() {
        try {
            Enumeration<URL> manifests = JavaVersionCheck.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    String value = new Manifest(in).getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
                    if (value != null) {
                        return value;
                    }
                }
            }
        } catch (IOException e) {
            return null; // unreadable manifests: no list, no check
        }
        return null;
    }
}
