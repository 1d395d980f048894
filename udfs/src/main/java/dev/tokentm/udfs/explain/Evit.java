package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * EViT's token reorganization (Liang, Ge, Tong, Song, Wang, Xie, ICLR 2022; youweiliang/evit,
 * {@code evit.py}) applied to the user's model at inference, as a view of which patches it needs: at
 * each chosen block, after attention, the {@code ⌈rate · M⌉} of the M non-prefix tokens with the
 * highest head-mean [CLS] attention are kept, and the others are fused into one token, their sum
 * weighted by that attention (their inattentive token fusion), which later stages treat as any other
 * token. The heatmap counts per patch the pruning stages it survived (0: dropped at the first); the
 * pruned model's top class is recorded per image ({@link ExplainContext#putPredictions}) so that its
 * agreement with the full model is reported. Prefix tokens ([CLS], distillation, registers) are always
 * kept. Class-independent: the selection reads attention only.
 *
 * @param keepRate the share of tokens each stage keeps, in (0, 1]
 * @param blocks the blocks (0-based) after whose attention tokens are pruned; empty for EViT's
 *     placement, the blocks at a quarter, half and three quarters of the depth (3, 6, 9 of 12)
 * @param fuse whether the dropped tokens are fused into one (EViT) or discarded
 */
public record Evit(double keepRate, List<Integer> blocks, boolean fuse) implements Explainer {

    public static final double DEFAULT_KEEP_RATE = 0.7;
    public static final boolean DEFAULT_FUSE = true;

    public Evit {
        if (!(keepRate > 0 && keepRate <= 1)) {
            throw new IllegalArgumentException("parameter 'keep-rate' must be in (0, 1], got " + keepRate);
        }
        blocks = List.copyOf(new TreeSet<>(blocks));
        if (!blocks.isEmpty() && blocks.get(0) < 0) {
            throw new IllegalArgumentException("parameter 'blocks' must be block indices from 0, got " + blocks);
        }
    }

    public Evit() {
        this(DEFAULT_KEEP_RATE, List.of(), DEFAULT_FUSE);
    }

    /** From a spec: {@code evit(keep-rate=0.7, blocks=3+6+9, fuse=true)}. */
    static Evit of(MethodArguments a) {
        return new Evit(a.real("keep-rate", DEFAULT_KEEP_RATE), a.integers("blocks"), a.flag("fuse", DEFAULT_FUSE));
    }

    @Override
    public String name() {
        return MethodSpec.named("evit")
                .with("keep-rate", keepRate, DEFAULT_KEEP_RATE)
                .with("blocks", MethodArguments.spell(blocks), "")
                .with("fuse", fuse, DEFAULT_FUSE)
                .toString();
    }

    /** Pruning reads attention only: no class enters the selection. */
    @Override
    public boolean classIndependent() {
        return true;
    }

    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        if (!blocks.isEmpty()) {
            Layers.checkBlock(name(), blocks.get(blocks.size() - 1), config.depth());
        }
    }

    /** The pruning blocks for a model of this depth. */
    public List<Integer> blocksFor(int depth) {
        if (!blocks.isEmpty()) {
            return blocks;
        }
        TreeSet<Integer> placed = new TreeSet<>();
        for (int quarter = 1; quarter <= 3; quarter++) {
            placed.add(Math.min(depth - 1, depth * quarter / 4));
        }
        return List.copyOf(placed);
    }

    /** The full model's logits and classes (for the agreement); the pruned pass is this method's own. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        checkModel(context.config());
        try (NDManager scope = context.manager().newSubManager()) {
            Pruned pruned = prune(context.model(), context.images(), scope);
            if (context.config().hasClassifier()) {
                context.putPredictions(name(), TargetClasses.predicted().select(pruned.logits()));
            }
            pruned.survivals().attach(context.manager());
            return pruned.survivals();
        }
    }

    /**
     * The pruned model's pass.
     *
     * @param logits the pruned model's logits {@code [B, classes]}
     * @param survivals per patch the stages it survived, {@code [B, grid, grid]}
     */
    public record Pruned(NDArray logits, NDArray survivals) {}

    /** Runs the pruned model on normalized images; both results belong to {@code manager}. */
    public Pruned prune(VisionTransformer model, NDArray images, NDManager manager) {
        VitConfig c = model.config();
        int batch = Math.toIntExact(images.getShape().get(0));
        Pruning pruning = new Pruning(c, batch);
        NDArray logits = model.forward(images, pruning);
        logits.attach(manager);
        float[] counts = new float[batch * c.numPatches()];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < c.numPatches(); p++) {
                counts[b * c.numPatches() + p] = pruning.counts[b][p];
            }
        }
        NDArray survivals = manager.create(counts, new Shape(batch, c.gridSize(), c.gridSize()))
                .toType(model.dataType(), false)
                .toDevice(model.device(), false);
        return new Pruned(logits, survivals);
    }

    /**
     * The pruned forward pass as a hook: at a pruning block it reads the [CLS] attention and replaces
     * the tokens after attention by {@code P · x}, where P's rows pick the prefix and kept tokens (one-hot,
     * so exact) and, last, weigh the dropped ones by their attention (the fused token).
     */
    private final class Pruning implements ForwardHook {
        private final int prefix;
        private final List<Integer> at;
        /** Per image, the original patch of each current non-prefix token; -1 for a fused token. */
        private final int[][] origin;

        private final int[][] counts;
        private float[] clsAttention;

        Pruning(VitConfig config, int batch) {
            this.prefix = config.numPrefixTokens();
            this.at = blocksFor(config.depth());
            this.origin = new int[batch][];
            this.counts = new int[batch][config.numPatches()];
            for (int b = 0; b < batch; b++) {
                origin[b] = new int[config.numPatches()];
                Arrays.setAll(origin[b], p -> p);
            }
        }

        @Override
        public boolean wants(TracePoint point) {
            return point == TracePoint.ATTENTION || point == TracePoint.ATTENTION_RESIDUAL;
        }

        @Override
        public NDArray onTensor(int block, TracePoint point, NDArray value) {
            if (!at.contains(block)) {
                return value;
            }
            if (point == TracePoint.ATTENTION) {
                clsAttention = value.get(":, :, 0, " + prefix + ":")
                        .mean(new int[] {1})
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                return value;
            }
            return point == TracePoint.ATTENTION_RESIDUAL ? prune(value) : value;
        }

        private NDArray prune(NDArray x) {
            int batch = origin.length;
            int n = Math.toIntExact(x.getShape().get(1));
            int m = n - prefix;
            int keep = kept(m);
            if (keep >= m) {
                for (int b = 0; b < batch; b++) {
                    survive(b, origin[b]);
                }
                return x;
            }
            int rows = prefix + keep + (fuse ? 1 : 0);
            float[] selection = new float[batch * rows * n];
            for (int b = 0; b < batch; b++) {
                int base = b * rows * n;
                for (int t = 0; t < prefix; t++) {
                    selection[base + t * n + t] = 1;
                }
                Integer[] order = byAttention(b, m);
                int[] kept = new int[keep + (fuse ? 1 : 0)];
                for (int r = 0; r < keep; r++) {
                    int token = order[r];
                    selection[base + (prefix + r) * n + prefix + token] = 1;
                    kept[r] = origin[b][token];
                }
                if (fuse) {
                    int fused = base + (rows - 1) * n;
                    for (int r = keep; r < m; r++) {
                        selection[fused + prefix + order[r]] = clsAttention[b * m + order[r]];
                    }
                    kept[keep] = -1;
                }
                origin[b] = kept;
                survive(b, Arrays.copyOf(kept, keep));
            }
            NDManager scope = x.getManager();
            NDArray p = scope.create(selection, new Shape(batch, rows, n))
                    .toType(x.getDataType(), false)
                    .toDevice(x.getDevice(), false);
            return p.matMul(x);
        }

        /** Image b's non-prefix tokens by [CLS] attention, highest first, ties by position. */
        private Integer[] byAttention(int b, int m) {
            Integer[] order = new Integer[m];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (i, j) -> Float.compare(clsAttention[b * m + j], clsAttention[b * m + i]));
            return order;
        }

        private void survive(int b, int[] tokens) {
            for (int patch : tokens) {
                if (patch >= 0) {
                    counts[b][patch]++;
                }
            }
        }
    }

    /** The tokens a stage keeps of {@code m} non-prefix tokens, EViT's {@code ceil(keep_rate * (N - 1))}. */
    private int kept(int m) {
        return (int) Math.ceil(keepRate * m);
    }

    /** The tokens each stage keeps of a model's {@code patches} non-prefix tokens. */
    public List<Integer> keptPerStage(int patches, int depth) {
        List<Integer> kept = new ArrayList<>();
        int m = patches;
        for (int ignored : blocksFor(depth)) {
            int keep = kept(m);
            if (keep >= m) {
                kept.add(m);
                continue;
            }
            kept.add(keep);
            m = keep + (fuse ? 1 : 0);
        }
        return kept;
    }
}
