package dev.tokentm.udfs.checkpoint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A store that is down, under the scheme {@code downfs://} (registered in the test core-site.xml):
 * every open fails as a refused connection does, except paths containing "missing", which are
 * missing files.
 */
public class UnreachableFileSystem extends RawLocalFileSystem {

    @Override
    public URI getUri() {
        return URI.create("downfs:///");
    }

    @Override
    public String getScheme() {
        return "downfs";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (f.toString().contains("missing")) {
            throw new FileNotFoundException(f + " (no such object)");
        }
        throw new ConnectException("Connect to 127.0.0.1:9 failed: Connection refused");
    }
}
