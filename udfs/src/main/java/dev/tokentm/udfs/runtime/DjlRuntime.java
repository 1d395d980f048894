package dev.tokentm.udfs.runtime;

/**
 * Process-wide DJL settings, applied before the engine first loads: offline mode (the PyTorch
 * native library comes from the jar, nothing is downloaded) and PyTorch's thread counts when
 * {@code tokentm.threads} is set; and glibc's malloc set to keep what PyTorch frees ({@link NativeHeap}).
 */
public final class DjlRuntime {

    private DjlRuntime() {}

    /** Applies the settings; idempotent and cheap, call it before creating any NDManager. */
    public static void configure() {
        NativeHeap.tune();
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String threads = System.getProperty("tokentm.threads");
        if (threads != null) {
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", threads);
            }
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            }
        }
    }
}
