package dev.tokentm.udfs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * Reads files named by a location string: a local path or {@code file:} URI, {@code classpath:}
 * for resources shipped in a jar, or any Hadoop file system URI ({@code hdfs://}, {@code s3a://},
 * ...) through Hadoop's {@code FileSystem}, which Spark puts on every executor. Hadoop is touched
 * only for such URIs.
 */
public final class Storage {

    /** Prefix of locations inside the classpath (jar resources). */
    public static final String CLASSPATH = "classpath:";

    private Storage() {}

    /** A reader for many files: it makes one Hadoop configuration on its first Hadoop path and keeps it. */
    public static Reader reader() {
        return new Reader();
    }

    /**
     * Reads files like {@link Storage#readAll}, for one task or loop: a new Hadoop configuration
     * costs about 4 ms (it parses Hadoop's XML defaults), paid here once instead of per file. Not
     * thread-safe.
     */
    public static final class Reader {

        private Object hadoop; // a Hadoop Configuration, typed loosely so local reads never load Hadoop

        private Reader() {}

        public byte[] readAll(String location) {
            if (location.startsWith(CLASSPATH) || localPath(location) != null) {
                return Storage.readAll(location);
            }
            if (hadoop == null) {
                hadoop = HadoopFiles.configuration();
            }
            try (InputStream in = HadoopFiles.open(location, hadoop)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + location + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads a whole file. */
    public static byte[] readAll(String location) {
        try (InputStream in = open(location)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file for reading; the caller closes the stream. */
    public static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String resource = stripSlash(location.substring(CLASSPATH.length()));
            InputStream in = classLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new NoSuchFileException(location, null, "no such resource on the classpath");
            }
            return in;
        }
        Path local = localPath(location);
        if (local != null) {
            return Files.newInputStream(existingLocal(location, local));
        }
        return HadoopFiles.open(location);
    }

    /** Whether the file exists. */
    public static boolean exists(String location) {
        if (location.startsWith(CLASSPATH)) {
            return classLoader().getResource(stripSlash(location.substring(CLASSPATH.length()))) != null;
        }
        Path local = localPath(location);
        if (local != null) {
            return Files.isRegularFile(existingLocal(location, local));
        }
        return HadoopFiles.exists(location);
    }

    /** Whether the location is on this machine (a path, {@code file:} or {@code classpath:}). */
    public static boolean isLocal(String location) {
        return location.startsWith(CLASSPATH) || localPath(location) != null;
    }

    /** The location of a file named {@code name} in the same directory as {@code location}. */
    public static String sibling(String location, String name) {
        int slash = location.lastIndexOf('/');
        if (location.startsWith(CLASSPATH)) {
            int start = CLASSPATH.length();
            return slash < start ? CLASSPATH + name : location.substring(0, slash + 1) + name;
        }
        Path local = localPath(location);
        if (local != null) {
            return local.resolveSibling(name).toString();
        }
        return location.substring(0, slash + 1) + name;
    }

    /**
     * A local path for plain paths and {@code file:} locations, null for other schemes. A location
     * is a path as Hadoop's {@code Path.toString()} writes it: not URI-escaped, so spaces, {@code #},
     * {@code %}, {@code ?} and non-ASCII letters are part of the name ({@code file:/a b#1.png} is the
     * file {@code a b#1.png}).
     */
    static Path localPath(String location) {
        if (location.startsWith("file:")) {
            String rest = location.substring("file:".length());
            if (rest.startsWith("//")) { // file:///x or file://localhost/x: drop the authority
                int slash = rest.indexOf('/', 2);
                rest = slash < 0 ? "/" : rest.substring(slash);
            }
            return Path.of(rest);
        }
        int colon = location.indexOf(':');
        int slash = location.indexOf('/');
        boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
        return hasScheme ? null : Path.of(location);
    }

    /**
     * The local file a location names: the literal path; else, when that does not exist, the same
     * name in the other Unicode normalization (macOS writes names decomposed, NFD; most tools compose
     * them, NFC); else, for a {@code file:} URI written URI-escaped ({@code a%20b.png}), the decoded
     * path. The literal path when none exists, so the error names what was asked for.
     */
    static Path existingLocal(String location, Path literal) {
        if (Files.exists(literal)) {
            return literal;
        }
        for (Normalizer.Form form : Normalizer.Form.values()) {
            Path other = Path.of(Normalizer.normalize(literal.toString(), form));
            if (!other.equals(literal) && Files.exists(other)) {
                return other;
            }
        }
        if (location.startsWith("file:") && location.contains("%")) {
            try {
                Path decoded = Path.of(new URI(location));
                if (Files.exists(decoded)) {
                    return decoded;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a valid URI: the literal reading stands
            }
        }
        return literal;
    }

    private static String stripSlash(String resource) {
        return resource.startsWith("/") ? resource.substring(1) : resource;
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Storage.class.getClassLoader();
    }
}
