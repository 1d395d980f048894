package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.random.Permutations;
import dev.tokentm.udfs.random.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shapley values of the patches (Shapley 1953) for the explained class's logit, {@code v(S)} = the
 * logit of the image with the patches outside S set to 0 in normalized space.
 * <ul>
 *   <li><b>Exact</b> (by default up to {@value #EXACT_UP_TO} patches): all {@code 2^P} coalitions,
 *       {@code φ_j = Σ_{S∌j} |S|!(P−|S|−1)!/P! · (v(S∪{j}) − v(S))}.</li>
 *   <li><b>Sampled</b>: permutation sampling (Castro, Gómez, Tejada 2009) with antithetic pairs, each
 *       permutation drawn with its reverse (Mitchell et al. 2022); a pair's marginal contributions,
 *       averaged, is one sample. Sampling stops when the largest standard error is at most {@code
 *       tolerance} times the largest |φ_j| (checked after every pass, at least {@value #MIN_PAIRS}
 *       pairs), or after {@code samples} permutations. Every sample's contributions sum to {@code v(all)
 *       − v(∅)}, so the estimate is efficient exactly; its standard errors are the stated error.</li>
 * </ul>
 * Permutations are drawn from {@code seed} mixed with a hash of the image, so an image's estimate
 * does not depend on its batch.
 *
 * @param exact true: enumerate; false: sample; null: enumerate up to {@value #EXACT_UP_TO} patches
 * @param samples the most permutations drawn (pairs × 2)
 * @param tolerance the convergence criterion, relative to the largest |φ_j|
 * @param seed the seed of the permutations
 * @param maxBatch masked images per forward pass
 */
public record Shapley(Boolean exact, int samples, double tolerance, long seed, int maxBatch) implements Explainer {

    /** Grids up to this many patches are enumerated unless told otherwise (65,536 coalitions). */
    public static final int EXACT_UP_TO = 16;

    /** Enumerating more patches than this is refused (over a million passes per image). */
    public static final int EXACT_AT_MOST = 20;

    public static final int DEFAULT_SAMPLES = 256;
    public static final double DEFAULT_TOLERANCE = 0.05;
    public static final int DEFAULT_MAX_BATCH = 256;
    static final int MIN_PAIRS = 8;

    public Shapley {
        if (samples < 2 * MIN_PAIRS) {
            throw new IllegalArgumentException(
                    "parameter 'samples' must be at least " + 2 * MIN_PAIRS + ", got " + samples);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("parameter 'tolerance' must be >= 0, got " + tolerance);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    /** Exact up to 16 patches, else sampled with the defaults. */
    public Shapley() {
        this(null, DEFAULT_SAMPLES, DEFAULT_TOLERANCE, 0, DEFAULT_MAX_BATCH);
    }

    /** From a spec: {@code shapley(exact=true|false, samples=n, tolerance=t, seed=s)}. */
    static Shapley of(MethodArguments a) {
        String exact = a.choice("exact", "auto", java.util.List.of("auto", "true", "false"));
        return new Shapley(
                exact.equals("auto") ? null : Boolean.valueOf(exact),
                a.integer("samples", DEFAULT_SAMPLES),
                a.real("tolerance", DEFAULT_TOLERANCE),
                a.longInteger("seed", 0),
                DEFAULT_MAX_BATCH);
    }

    @Override
    public String name() {
        return MethodSpec.named("shapley")
                .with("exact", exact == null ? "auto" : exact.toString(), "auto")
                .with("samples", samples, DEFAULT_SAMPLES)
                .with("tolerance", tolerance, DEFAULT_TOLERANCE)
                .with("seed", seed, 0L)
                .toString();
    }

    /** Only the explained classes: its passes are its own. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    /**
     * One image's Shapley values and their standard errors (0 when enumerated).
     *
     * @param values per patch, row-major
     * @param standardErrors per patch
     * @param permutations the permutations drawn; 0 when enumerated
     * @param all {@code v(all)}
     * @param empty {@code v(∅)}
     */
    public record Estimate(double[] values, double[] standardErrors, int permutations, double all, double empty) {}

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig c = context.config();
        Estimate[] estimates = estimate(context.model(), context.images(), context.targets(), context.manager());
        double[] flat = new double[estimates.length * c.numPatches()];
        double[] largestErrors = new double[estimates.length];
        boolean sampled = false;
        for (int b = 0; b < estimates.length; b++) {
            System.arraycopy(estimates[b].values(), 0, flat, b * c.numPatches(), c.numPatches());
            largestErrors[b] =
                    Arrays.stream(estimates[b].standardErrors()).max().orElse(0);
            sampled |= estimates[b].permutations() > 0;
        }
        if (sampled) {
            context.putStandardErrors(name(), largestErrors);
        }
        return HostArrays.of(
                context.manager(),
                flat,
                new Shape(estimates.length, c.gridSize(), c.gridSize()),
                context.images().getDataType());
    }

    /**
     * A coalitional game over an image's patches: {@code v(S)} for each of {@code count} coalitions, the
     * rows of {@code keep} (P entries each, 1 = in S).
     */
    @FunctionalInterface
    public interface Game {
        double[] values(NDArray image, int cls, float[] keep, int count, NDManager scope);
    }

    /** The estimates for a batch of normalized images {@code [B, C, H, W]} and their classes. */
    public Estimate[] estimate(VisionTransformer model, NDArray images, int[] classes, NDManager manager) {
        return estimate(
                model.config().numPatches(),
                images,
                classes,
                manager,
                (image, cls, keep, count, scope) ->
                        PatchMasking.logits(model, image, cls, keep, count, maxBatch, scope));
    }

    /** The estimates of another game (ViT Shapley's surrogate game) over {@code patches} players. */
    public Estimate[] estimate(int patches, NDArray images, int[] classes, NDManager manager, Game game) {
        boolean enumerate = exact == null ? patches <= EXACT_UP_TO : exact;
        if (enumerate && patches > EXACT_AT_MOST) {
            throw new IllegalArgumentException("method 'shapley': exact=true enumerates 2^" + patches
                    + " coalitions per image; at most " + EXACT_AT_MOST + " patches, use exact=false");
        }
        Estimate[] out = new Estimate[classes.length];
        try (NDManager scope = manager.newSubManager()) {
            for (int b = 0; b < classes.length; b++) {
                NDArray image = images.get(b);
                image.attach(scope);
                out[b] = enumerate
                        ? exact(patches, game, image, classes[b], scope)
                        : sampled(patches, game, image, classes[b], scope);
            }
        }
        return out;
    }

    /** Every coalition's value, index bit j set = patch j kept. */
    static double[] coalitionValues(int patches, Game game, NDArray image, int cls, NDManager scope) {
        int count = 1 << patches;
        float[] keep = new float[count * patches];
        for (int s = 0; s < count; s++) {
            for (int j = 0; j < patches; j++) {
                keep[s * patches + j] = (s >>> j) & 1;
            }
        }
        return game.values(image, cls, keep, count, scope);
    }

    private static Estimate exact(int patches, Game game, NDArray image, int cls, NDManager scope) {
        double[] v = coalitionValues(patches, game, image, cls, scope);
        // weight(s) = s!(P-s-1)!/P! = 1 / (P · C(P-1, s))
        double[] weight = new double[patches];
        double binomial = 1;
        for (int s = 0; s < patches; s++) {
            weight[s] = 1 / (patches * binomial);
            binomial = binomial * (patches - 1 - s) / (s + 1);
        }
        double[] phi = new double[patches];
        for (int j = 0; j < patches; j++) {
            int bit = 1 << j;
            double sum = 0;
            for (int s = 0; s < v.length; s++) {
                if ((s & bit) == 0) {
                    sum += weight[Integer.bitCount(s)] * (v[s | bit] - v[s]);
                }
            }
            phi[j] = sum;
        }
        return new Estimate(phi, new double[patches], 0, v[v.length - 1], v[0]);
    }

    private Estimate sampled(int patches, Game game, NDArray image, int cls, NDManager scope) {
        SplittableRandom random = new SplittableRandom(
                Seeds.mix(seed, Seeds.of(image.toType(DataType.FLOAT32, false).toFloatArray())));
        float[] ends = new float[2 * patches];
        Arrays.fill(ends, patches, 2 * patches, 1f);
        double[] allAndEmpty = game.values(image, cls, ends, 2, scope);
        double empty = allAndEmpty[0];
        double all = allAndEmpty[1];
        double[] sum = new double[patches];
        double[] sumSquares = new double[patches];
        int pairs = 0;
        int maxPairs = samples / 2;
        int pairsPerPass = Math.max(1, maxBatch / (2 * (patches - 1)));
        double[] mean = new double[patches];
        double[] error = new double[patches];
        while (pairs < maxPairs) {
            int n = Math.min(pairsPerPass, maxPairs - pairs);
            int[][] orders = new int[2 * n][];
            float[] keep = new float[2 * n * (patches - 1) * patches];
            for (int i = 0; i < n; i++) {
                int[] forward = Permutations.shuffled(patches, random);
                int[] backward = new int[patches];
                for (int k = 0; k < patches; k++) {
                    backward[k] = forward[patches - 1 - k];
                }
                orders[2 * i] = forward;
                orders[2 * i + 1] = backward;
            }
            for (int o = 0; o < orders.length; o++) {
                // Prefix k (1..P-1) keeps the first k patches of the order.
                for (int k = 1; k < patches; k++) {
                    int row = o * (patches - 1) + (k - 1);
                    for (int t = 0; t < k; t++) {
                        keep[row * patches + orders[o][t]] = 1;
                    }
                }
            }
            double[] v = game.values(image, cls, keep, orders.length * (patches - 1), scope);
            for (int i = 0; i < n; i++) {
                double[] pair = new double[patches];
                for (int side = 0; side < 2; side++) {
                    int o = 2 * i + side;
                    double before = empty;
                    for (int k = 1; k <= patches; k++) {
                        double after = k == patches ? all : v[o * (patches - 1) + (k - 1)];
                        pair[orders[o][k - 1]] += (after - before) / 2;
                        before = after;
                    }
                }
                for (int j = 0; j < patches; j++) {
                    sum[j] += pair[j];
                    sumSquares[j] += pair[j] * pair[j];
                }
            }
            pairs += n;
            double largest = 0;
            double largestError = 0;
            for (int j = 0; j < patches; j++) {
                mean[j] = sum[j] / pairs;
                double variance =
                        pairs > 1 ? Math.max(0, (sumSquares[j] - pairs * mean[j] * mean[j]) / (pairs - 1)) : 0;
                error[j] = Math.sqrt(variance / pairs);
                largest = Math.max(largest, Math.abs(mean[j]));
                largestError = Math.max(largestError, error[j]);
            }
            if (pairs >= MIN_PAIRS && largestError <= tolerance * largest) {
                break;
            }
        }
        return new Estimate(mean.clone(), error.clone(), 2 * pairs, all, empty);
    }
}
