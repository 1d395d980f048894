package dev.tokentm.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.testing.TestVits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A long loop of traced batches leaves no arrays behind and keeps native memory flat: 600 traced
 * batches after warm-up grow resident memory by about 10 MB, where one traced batch holds about
 * 1.5 MB of arrays, so a leak of them would show as ~900 MB.
 */
class TraceMemoryTest {

    private static final VitConfig CONFIG = VitPresets.get("vit-tiny-p8-32");
    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void repeatedTracesLeaveNoArraysBehind() {
        try (VisionTransformer model = TestVits.random(CONFIG, 1, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, CONFIG, 16, 2, DataType.FLOAT32);
            loop(model, images, 5);
            NDManager weights = model.parameters().get("cls_token").getManager();
            int callerArrays = manager.getManagedArrays().size();
            int weightArrays = weights.getManagedArrays().size();
            loop(model, images, 50);
            assertEquals(callerArrays, manager.getManagedArrays().size(), "arrays left in the caller's manager");
            assertEquals(weightArrays, weights.getManagedArrays().size(), "arrays left in the model's manager");
        }
    }

    /**
     * Resident memory is measured in a child JVM with a 96 MB heap, so that it cannot grow through
     * the Java heap filling up before its first collection: what grows there is native memory.
     */
    @Test
    void repeatedTracesKeepNativeMemoryFlat() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status to read resident memory");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-Xmx96m",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Loop.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(child.waitFor(240, TimeUnit.SECONDS), "memory loop did not finish in 240 s");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        String last = output.lines()
                .filter(l -> l.startsWith("growth-mb "))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no measurement from the child JVM:\n" + output));
        long growthMb = Long.parseLong(last.substring("growth-mb ".length()).trim());
        System.out.println("resident memory growth over 600 traced batches after warm-up: " + growthMb + " MB");
        assertTrue(growthMb < 64, "resident memory grew by " + growthMb + " MB over 600 traced batches");
    }

    /** The child JVM's loop: warm up, then print resident-memory growth over 600 batches. */
    public static final class Loop {
        public static void main(String[] args) throws IOException {
            try (VisionTransformer model = TestVits.random(CONFIG, 1, 0.3, DataType.FLOAT32);
                    NDManager manager = NDManager.newBaseManager()) {
                NDArray images = TestVits.images(manager, CONFIG, 16, 2, DataType.FLOAT32);
                loop(model, images, 300);
                long before = residentKb();
                loop(model, images, 600);
                System.out.println("growth-mb " + (residentKb() - before) / 1024);
            }
        }
    }

    private static void loop(VisionTransformer model, NDArray images, int iterations) {
        for (int i = 0; i < iterations; i++) {
            try (VitTrace trace = model.trace(images, TraceRequest.withGradients(TargetClasses.predicted()))) {
                trace.block(0).attentionGradient().sum().getFloat();
            }
            model.logits(images).close();
        }
    }

    private static long residentKb() {
        long kb = dev.tokentm.udfs.runtime.ResidentMemory.kilobytes();
        if (kb < 0) {
            throw new IllegalStateException("no VmRSS line in " + STATUS);
        }
        return kb;
    }
}
