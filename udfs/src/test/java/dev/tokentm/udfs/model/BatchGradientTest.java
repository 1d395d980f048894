package dev.tokentm.udfs.model;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.testing.TestVits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch's values and gradients equal the per-image ones, with different targets per image; two
 * threads tracing at once match the sequential result; the value projection mixed by attention
 * gives the attention output (one head); bad targets and shapes are named in errors.
 */
class BatchGradientTest {

    private static final int[] TARGETS = {1, 0, 2};
    private static VisionTransformer model;
    private static NDManager manager;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        model = TestVits.random(TestVits.tiny(), 3, 0.3, DataType.FLOAT32);
        manager = NDManager.newBaseManager();
        images = TestVits.images(manager, model.config(), TARGETS.length, 9, DataType.FLOAT32);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    @Test
    void batchGradientsEqualPerImageGradients() {
        try (VitTrace batch = model.trace(images, TraceRequest.withGradients(TargetClasses.of(TARGETS)))) {
            assertArrayEquals(TARGETS, batch.targets());
            for (int i = 0; i < TARGETS.length; i++) {
                NDArray one = images.get(i + ":" + (i + 1));
                try (VitTrace single = model.trace(one, TraceRequest.withGradients(TargetClasses.of(TARGETS[i])))) {
                    assertClose(batch.logits().get(i), single.logits().get(0), 1e-5, "logits of image " + i);
                    for (int b = 0; b < model.config().depth(); b++) {
                        for (TracePoint p : TracePoint.values()) {
                            BlockTrace whole = batch.block(b);
                            BlockTrace alone = single.block(b);
                            assertClose(
                                    whole.value(p).get(i),
                                    alone.value(p).get(0),
                                    1e-5,
                                    p + " block " + b + " image " + i);
                            if (p.onLogitPath()) {
                                assertClose(
                                        whole.gradient(p).get(i),
                                        alone.gradient(p).get(0),
                                        1e-5,
                                        "gradient at " + p + " block " + b + " image " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientsDependOnTheTargetClass() {
        try (VitTrace a = model.trace(images, TraceRequest.withGradients(TargetClasses.of(0, 0, 0)));
                VitTrace b = model.trace(images, TraceRequest.withGradients(TargetClasses.of(1, 1, 1)))) {
            double diff = a.block(1)
                    .attentionGradient()
                    .sub(b.block(1).attentionGradient())
                    .abs()
                    .max()
                    .getFloat();
            assertTrue(diff > 1e-6, "gradients for different classes should differ");
        }
    }

    @Test
    void predictedTargetsAreTheArgmax() {
        try (VitTrace t = model.trace(images, TraceRequest.withGradients(TargetClasses.predicted()))) {
            long[] argmax = t.logits().argMax(1).toLongArray();
            for (int i = 0; i < argmax.length; i++) {
                assertTrue(argmax[i] == t.targets()[i]);
            }
        }
    }

    @Test
    void traceWithoutGradientsHasNone() {
        try (VitTrace t = model.trace(images, TraceRequest.values())) {
            assertFalse(t.hasGradients());
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> t.block(0).attentionGradient());
            assertTrue(e.getMessage().contains("withGradients"), e.getMessage());
            assertClose(t.logits(), model.logits(images), 1e-6, "trace logits vs plain logits");
        }
    }

    @Test
    void withOneHeadTheAttentionOutputIsTheValueProjectionMixedByAttention() {
        VitConfig oneHead = VitConfig.builder()
                .imageSize(16)
                .patchSize(8)
                .embedDim(12)
                .depth(2)
                .numHeads(1)
                .numClasses(3)
                .build();
        try (VisionTransformer single = TestVits.random(oneHead, 4, 0.3, DataType.FLOAT32);
                VitTrace t = single.trace(images, TraceRequest.values())) {
            for (BlockTrace b : t.blocks()) {
                NDArray attentionOutput = b.attentionResidual().sub(b.input());
                NDArray mixed = b.attention().squeeze(1).matMul(b.valueProjection());
                assertClose(
                        attentionOutput, mixed, 1e-5, "attention output vs A . value projection, block " + b.index());
                assertClose(
                        b.output(), b.attentionResidual().add(b.mlpOutput()), 1e-6, "block output = residual + mlp");
            }
        }
    }

    @Test
    void rejectsWrongTargetsAndShapes() {
        IllegalArgumentException wrongCount = assertThrows(
                IllegalArgumentException.class,
                () -> model.trace(images, TraceRequest.withGradients(TargetClasses.of(0))));
        assertTrue(wrongCount.getMessage().contains("one target class per image"), wrongCount.getMessage());
        IllegalArgumentException outOfRange = assertThrows(
                IllegalArgumentException.class,
                () -> model.trace(images, TraceRequest.withGradients(TargetClasses.of(0, 1, 7))));
        assertTrue(outOfRange.getMessage().contains("outside 0..2"), outOfRange.getMessage());
        IllegalArgumentException shape = assertThrows(
                IllegalArgumentException.class,
                () -> model.logits(manager.zeros(new ai.djl.ndarray.types.Shape(1, 3, 15, 16))));
        assertTrue(shape.getMessage().contains("(1, 3, 15, 16)"), shape.getMessage());
    }

    /**
     * Two threads trace the same batch 100 times each while a third forces garbage collection.
     * Guards against autograd reading memory that Java freed: DJL backs scalar operands with
     * Java buffers, and closing them before the backward pass (as {@code x.mul(Number)} does)
     * once corrupted about one trace in 2,000 here.
     */
    @Test
    void concurrentTracesUnderGarbageCollectionMatchTheSequentialOne() throws Exception {
        float[] reference;
        try (VitTrace t = model.trace(images, TraceRequest.withGradients(TargetClasses.of(TARGETS)))) {
            reference = t.block(0).attentionGradient().toFloatArray();
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean done = new AtomicBoolean();
        try {
            pool.submit(() -> {
                while (!done.get()) {
                    System.gc();
                    Thread.sleep(5);
                }
                return null;
            });
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                results.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int k = 0; k < 100; k++) {
                        try (NDManager local = manager.newSubManager()) {
                            NDArray input = images.duplicate();
                            input.attach(local);
                            try (VitTrace t =
                                    model.trace(input, TraceRequest.withGradients(TargetClasses.of(TARGETS)))) {
                                if (!Arrays.equals(
                                        reference,
                                        t.block(0).attentionGradient().toFloatArray())) {
                                    wrong++;
                                }
                            }
                        }
                    }
                    return wrong;
                }));
            }
            int wrong = 0;
            for (Future<Integer> r : results) {
                wrong += r.get();
            }
            assertEquals(0, wrong, "traces whose gradients differed from the sequential trace");
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
