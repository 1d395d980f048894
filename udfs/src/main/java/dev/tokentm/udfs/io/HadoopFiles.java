package dev.tokentm.udfs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Hadoop file system access, kept apart so that local and classpath reads never load Hadoop.
 * Inside a Spark JVM (driver or executor) the configuration is Spark's own: {@code core-site.xml}
 * plus every {@code spark.hadoop.*} setting of the job; elsewhere a default configuration. For
 * {@code s3a://}, credentials come from the standard AWS provider chain.
 */
final class HadoopFiles {

    private HadoopFiles() {}

    static InputStream open(String location) throws IOException {
        return open(location, configuration());
    }

    /** @param configuration a Hadoop {@code Configuration} from {@link #configuration()} */
    static InputStream open(String location, Object configuration) throws IOException {
        // Hadoop's Path(String) takes the name literally (spaces, '#', '%'), as Path.toString() wrote it.
        Path path = new Path(location);
        return path.getFileSystem((Configuration) configuration).open(path);
    }

    static boolean exists(String location) {
        try {
            Path path = new Path(location);
            return fileSystem(path).isFile(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + location + ": " + e.getMessage(), e);
        }
    }

    private static FileSystem fileSystem(Path path) throws IOException {
        return path.getFileSystem(configuration());
    }

    static Configuration configuration() {
        SparkEnv env = SparkEnv.get();
        return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
    }
}
