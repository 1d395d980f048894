package dev.tokentm.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.testing.TestVits;
import org.junit.jupiter.api.Test;

/**
 * The model counts the images of its passes and the time, wall and CPU, of its calls.
 */
class PassCountTest {

    @Test
    void countsImagesAndTheCallsTime() {
        try (VisionTransformer model = TestVits.random(TestVits.tiny(), 3, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, model.config(), 4, 9, DataType.FLOAT32);
            PassCount start = model.passes();
            model.logits(images).close();
            PassCount forward = model.passes().since(start);
            assertEquals(4, forward.forward());
            assertEquals(0, forward.backward());
            try (VitTrace t = model.trace(images, TraceRequest.withGradients(TargetClasses.of(0, 1, 2, 0)))) {
                assertEquals(4, t.targets().length);
            }
            PassCount both = model.passes().since(start);
            assertEquals(8, both.forward());
            assertEquals(4, both.backward());
            assertTrue(both.nanos() > forward.nanos() && forward.nanos() > 0, both + " after " + forward);
            // The calling thread's CPU: some, and no more than the calls' wall time (1 ms for the clocks' reads).
            assertTrue(
                    both.cpuNanos() > 0 && both.cpuNanos() <= both.nanos() + 1_000_000,
                    "CPU " + both.cpuNanos() + " ns in calls of " + both.nanos() + " ns");
        }
    }

    /** Passes through the last blocks add up as parts of a forward pass; only the total is rounded. */
    @Test
    void partialPassesAddUp() {
        try (VisionTransformer model = TestVits.random(TestVits.tiny(), 3, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            int depth = model.config().depth();
            NDArray images = TestVits.images(manager, model.config(), 1, 9, DataType.FLOAT32);
            try (VitTrace t = model.trace(images, TraceRequest.reading(TracePoint.BLOCK_INPUT))) {
                PassCount start = model.passes();
                NDArray last = t.block(depth - 1).input();
                for (int i = 0; i < 2 * depth; i++) { // each 1/depth of a pass: 2 passes in all
                    model.logitsFrom(depth - 1, last, ForwardHook.NONE).close();
                }
                assertEquals(2, model.passes().since(start).forward());
            }
        }
    }
}
