package dev.tokentm.udfs.checkpoint;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code loopfs://}, registered in the test core-site.xml, so
 * tests can read through Hadoop's FileSystem API as they would from HDFS or S3.
 */
public class LoopbackFileSystem extends RawLocalFileSystem {

    @Override
    public URI getUri() {
        return URI.create("loopfs:///");
    }

    @Override
    public String getScheme() {
        return "loopfs";
    }
}
