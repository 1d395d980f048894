package dev.tokentm.job.input;

import java.nio.file.Path;

/**
 * The committed sample ({@code data/sample/manifest.csv}, 300 images with masks): the demo's input
 * when no {@code --input} is given, and the benchmarks' corpus. {@code bin/tokentm} names it in the
 * system property {@value #PROPERTY}.
 */
public final class CommittedSample {

    /** The system property holding the sample's manifest. */
    public static final String PROPERTY = "tokentm.sample";

    private CommittedSample() {}

    /** The manifest as {@code bin/tokentm} names it; null when run otherwise. */
    public static String location() {
        return System.getProperty(PROPERTY);
    }

    /** The manifest: as named, else {@code data/sample/manifest.csv} under the working directory. */
    public static Path manifest() {
        return Path.of(System.getProperty(PROPERTY, "data/sample/manifest.csv")).toAbsolutePath();
    }
}
