package dev.tokentm.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.testing.TestVits;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trace gradients against central finite differences in float64: perturbing one entry of a block
 * tensor by ±ε through a {@link ForwardHook} and differencing the summed target logits (or, at the
 * attention and the block inputs, the summed target probabilities), at every trace point of every
 * block.
 */
class FiniteDifferenceGradientTest {

    private static final double EPS = 1e-5;
    private static final int[] TARGETS = {2, 0};

    private static VisionTransformer model;
    private static NDManager manager;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        model = TestVits.random(TestVits.tiny(), 11, 0.3, DataType.FLOAT64);
        manager = NDManager.newBaseManager();
        images = TestVits.images(manager, model.config(), 2, 5, DataType.FLOAT64);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(value = TracePoint.class, names = "VALUE_PROJECTION", mode = EnumSource.Mode.EXCLUDE)
    void gradientsMatchFiniteDifferences(TracePoint point) {
        check(point, ClassScore.LOGIT);
    }

    /** Gradients of the target's softmax probability, at the points TokenTM's readings use. */
    @ParameterizedTest
    @EnumSource(
            value = TracePoint.class,
            names = {"ATTENTION", "BLOCK_INPUT"})
    void probabilityGradientsMatchFiniteDifferences(TracePoint point) {
        check(point, ClassScore.PROBABILITY);
    }

    private static void check(TracePoint point, ClassScore classScore) {
        TraceRequest request =
                TraceRequest.withGradients(TargetClasses.of(TARGETS)).differentiating(classScore);
        try (VitTrace trace = model.trace(images, request)) {
            Random random = new Random(point.ordinal());
            for (int block = 0; block < model.config().depth(); block++) {
                NDArray gradient = trace.block(block).gradient(point);
                double[] g = gradient.toDoubleArray();
                double scale = 0;
                for (double x : g) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(scale > 1e-6, point + " gradient of block " + block + " is all zero");
                for (int probe = 0; probe < 6; probe++) {
                    int index = random.nextInt(g.length);
                    double numeric =
                            (score(block, point, index, EPS, classScore) - score(block, point, index, -EPS, classScore))
                                    / (2 * EPS);
                    assertEquals(
                            numeric,
                            g[index],
                            1e-6 * scale,
                            point + " block " + block + " entry " + index + ": analytic " + g[index] + " vs numeric "
                                    + numeric);
                }
            }
        }
    }

    private static double score(int block, TracePoint point, int flatIndex, double delta, ClassScore classScore) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = images.duplicate();
            input.attach(scope);
            NDArray logits = model.forward(input, (b, p, value) -> {
                if (b != block || p != point) {
                    return value;
                }
                double[] bump = new double[Math.toIntExact(value.getShape().size())];
                bump[flatIndex] = delta;
                return value.add(value.getManager().create(bump, value.getShape()));
            });
            double[] l = (classScore == ClassScore.PROBABILITY ? logits.softmax(-1) : logits).toDoubleArray();
            int classes = model.config().numClasses();
            double sum = 0;
            for (int i = 0; i < TARGETS.length; i++) {
                sum += l[i * classes + TARGETS[i]];
            }
            return sum;
        }
    }
}
