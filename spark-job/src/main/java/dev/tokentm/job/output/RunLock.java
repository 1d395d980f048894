package dev.tokentm.job.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The marker {@code <output>/_tokentm_run} that one running job holds: a second run on the same
 * output is refused with a message naming the first (host, process, start time). The holder rewrites
 * the marker every {@link #HEARTBEAT}; a marker not rewritten for {@link #STALE_AFTER} belongs to a
 * run that was killed, and the next run takes it over at once when the marker names a process of
 * this host that is gone (a killed driver), so a killed run never blocks a resume. The
 * marker's name starts with an underscore, so Spark's readers ignore it.
 */
public final class RunLock implements AutoCloseable {

    static final String NAME = "_tokentm_run";
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private final FileSystem fs;
    private final Path marker;
    private final String owner;
    private final ScheduledExecutorService heartbeat;

    private RunLock(FileSystem fs, Path marker, String owner) {
        this.fs = fs;
        this.marker = marker;
        this.owner = owner;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokentm-run-marker");
            t.setDaemon(true);
            return t;
        });
        long period = HEARTBEAT.toMillis();
        heartbeat.scheduleAtFixedRate(this::touch, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the output for this run.
     *
     * @param takenOver told the marker of a stopped run when it replaces one
     * @throws IllegalStateException when another run holds the output
     */
    public static RunLock acquire(String outputRoot, Configuration hadoop, Consumer<String> takenOver) {
        Path marker = new Path(outputRoot, NAME);
        String owner = "host " + host() + ", process " + ProcessHandle.current().pid() + ", started "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            FileSystem fs = marker.getFileSystem(hadoop);
            fs.mkdirs(marker.getParent());
            if (fs.exists(marker)) {
                FileStatus status = fs.getFileStatus(marker);
                Duration silent = Duration.ofMillis(System.currentTimeMillis() - status.getModificationTime());
                String other = read(fs, marker);
                if (silent.compareTo(STALE_AFTER) < 0 && !deadOnThisHost(other)) {
                    throw new IllegalStateException("another tokentm run is writing to " + outputRoot + " (" + other
                            + "; marker updated " + silent.toSeconds() + " s ago); wait for it to finish or choose "
                            + "another --output (a killed run's marker expires " + STALE_AFTER.toMinutes()
                            + " minutes after its last update)");
                }
                takenOver.accept("the run that wrote " + marker + " stopped without finishing (" + other
                        + "; marker updated " + silent.toSeconds() + " s ago); resuming its work");
                fs.delete(marker, false);
            }
            try (OutputStream out = fs.create(marker, false)) {
                out.write(owner.getBytes(StandardCharsets.UTF_8));
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException("another tokentm run started writing to " + outputRoot
                        + " at the same moment (" + read(fs, marker) + "); choose another --output");
            }
            return new RunLock(fs, marker, owner);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run marker " + marker + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites the marker, so other runs see this one is alive. */
    private void touch() {
        try (OutputStream out = fs.create(marker, true)) {
            out.write(owner.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a missed heartbeat: the next one retries; the marker expires only after several
        }
    }

    /** Stops the heartbeat and removes the marker. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            fs.delete(marker, false);
        } catch (IOException e) {
            // the marker expires by itself
        }
    }

    /** Whether the marker names a process on this host that no longer runs (a killed driver). */
    static boolean deadOnThisHost(String marker) {
        Matcher m = OWNER.matcher(marker);
        if (!m.find() || !m.group(1).equals(host())) {
            return false;
        }
        long pid = Long.parseLong(m.group(2));
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static final Pattern OWNER = Pattern.compile("^host (.+), process (\\d+), started ");

    private static String read(FileSystem fs, Path marker) throws IOException {
        try (FSDataInputStream in = fs.open(marker)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (java.io.FileNotFoundException e) {
            return "a run that has just finished";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
