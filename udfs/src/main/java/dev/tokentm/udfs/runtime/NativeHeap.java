package dev.tokentm.udfs.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.Map;
import java.util.Set;

/**
 * glibc's malloc, set once per process to keep the memory that PyTorch's CPU tensors free. PyTorch
 * allocates every pass's activations with plain malloc and frees them after it; glibc by default
 * serves blocks above a moving threshold with fresh {@code mmap}s and hands a heap's free top back
 * to the kernel, so an explaining task, whose passes alternate with decoding and perturbing, pays
 * those pages again in page faults on every pass (about 100,000 per second and a quarter of a core
 * in the kernel on the benchmark job; docs/decisions.md, 2026-11-23). Fixed thresholds end it:
 * blocks up to {@value #MMAP_THRESHOLD} bytes come from the heap, and up to {@value #TRIM_THRESHOLD}
 * bytes of free heap top stay with the process.
 *
 * <p>Left alone where the user chose otherwise: {@code -D}{@value #PROPERTY}{@code =false}, glibc's
 * own thresholds set through the environment ({@code MALLOC_TRIM_THRESHOLD_}, {@code
 * GLIBC_TUNABLES=glibc.malloc....}), or another allocator preloaded; and where the C library is not
 * glibc, or where JNA cannot load its native part.
 */
public final class NativeHeap {

    /** The system property that turns the tuning off ({@code false}). */
    public static final String PROPERTY = "tokentm.malloc.tune";

    /** Blocks up to this size come from the heap (glibc's ceiling for this setting on 64-bit). */
    public static final int MMAP_THRESHOLD = 32 << 20;

    /** Free memory at a heap's top up to this size is kept, not returned to the kernel. */
    public static final int TRIM_THRESHOLD = 256 << 20;

    // mallopt's parameter numbers, from glibc's malloc.h.
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static final Set<String> THRESHOLD_VARIABLES =
            Set.of("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_");
    private static final Set<String> THRESHOLD_TUNABLES = Set.of(
            "glibc.malloc.trim_threshold",
            "glibc.malloc.mmap_threshold",
            "glibc.malloc.top_pad",
            "glibc.malloc.mmap_max");

    /** What {@link #tune} did. */
    public enum Outcome {
        TUNED("glibc malloc keeps freed memory (mmap threshold " + (MMAP_THRESHOLD >> 20) + " MiB, trim threshold "
                + (TRIM_THRESHOLD >> 20) + " MiB)"),
        DISABLED("glibc malloc's defaults (-D" + PROPERTY + "=false)"),
        LEFT_TO_USER("malloc as the environment sets it (MALLOC_*_, GLIBC_TUNABLES or LD_PRELOAD)"),
        NOT_GLIBC("the C library's malloc (not glibc)"),
        REFUSED("glibc malloc's defaults (mallopt refused the thresholds)"),
        UNAVAILABLE("the C library's malloc defaults (JNA's native library could not load)");

        private final String description;

        Outcome(String description) {
            this.description = description;
        }

        /** One line for a report: which malloc settings this process runs with. */
        public String description() {
            return description;
        }
    }

    private NativeHeap() {}

    /** Applies the thresholds the first time it is called in this process; then returns what it did. */
    public static Outcome tune() {
        return Once.OUTCOME;
    }

    /** The class's initialization runs {@link #apply} exactly once per process. */
    private static final class Once {
        static final Outcome OUTCOME = apply(System.getenv(), System.getProperty(PROPERTY, "true"));
    }

    static Outcome apply(Map<String, String> environment, String setting) {
        if (!Boolean.parseBoolean(setting)) {
            return Outcome.DISABLED;
        }
        if (userChose(environment)) {
            return Outcome.LEFT_TO_USER;
        }
        if (!Platform.isLinux()) {
            return Outcome.NOT_GLIBC;
        }
        NativeLibrary c;
        try {
            c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        } catch (LinkageError e) { // JNA's own native part could not load (a noexec temporary folder)
            return Outcome.UNAVAILABLE;
        }
        Function mallopt;
        try {
            c.getFunction("gnu_get_libc_version"); // only glibc has it (musl has a mallopt that does nothing)
            mallopt = c.getFunction("mallopt");
        } catch (UnsatisfiedLinkError notGlibc) {
            return Outcome.NOT_GLIBC;
        }
        boolean mmap = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1;
        boolean trim = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1;
        return mmap && trim ? Outcome.TUNED : Outcome.REFUSED;
    }

    /**
     * Whether the environment already sets malloc's thresholds or replaces malloc. {@code
     * MALLOC_ARENA_MAX} (YARN sets it) does not count: it limits arenas, which this leaves alone.
     */
    static boolean userChose(Map<String, String> environment) {
        if (environment.keySet().stream().anyMatch(THRESHOLD_VARIABLES::contains)) {
            return true;
        }
        String tunables = environment.getOrDefault("GLIBC_TUNABLES", "");
        if (THRESHOLD_TUNABLES.stream().anyMatch(tunables::contains)) {
            return true;
        }
        return environment.getOrDefault("LD_PRELOAD", "").contains("malloc");
    }
}
