package dev.tokentm.udfs.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Vision Transformer written with DJL NDArray operations, computing what timm's
 * {@code VisionTransformer} computes (pre-norm blocks, exact GELU, [CLS] pooling, DeiT's
 * distillation head averaged in at inference), with every block's tensors open to a
 * {@link ForwardHook}. Its weights never change and it is safe to share between threads: each call
 * works in its own NDManager scope; it counts the images it passes ({@link #passes}).
 */
public final class VisionTransformer implements AutoCloseable {

    static {
        DjlRuntime.configure();
    }

    /** Reads each call's CPU time on its own thread (Linux: a clock_gettime, about a microsecond). */
    private static final ThreadMXBean CALLER_CPU = ManagementFactory.getThreadMXBean();

    private final VitConfig config;
    private final VitParameters parameters;
    private final NDManager manager;
    private final LongAdder forwardImages = new LongAdder();
    private final LongAdder backwardImages = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();

    /**
     * @param parameters the weights; they become owned by this model, which closes
     *     {@code manager} (and with it the weights) on {@link #close}
     * @param manager the manager holding the weights
     */
    public VisionTransformer(VitParameters parameters, NDManager manager) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.config = parameters.config();
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** A model with {@link VitParameters#random random} weights, owning a new manager. */
    public static VisionTransformer random(VitConfig config, long seed) {
        NDManager manager = NDManager.newBaseManager();
        return new VisionTransformer(VitParameters.random(config, manager, seed), manager);
    }

    public VitConfig config() {
        return config;
    }

    public VitParameters parameters() {
        return parameters;
    }

    /** The device the weights live on; inputs are moved there. */
    public Device device() {
        return manager.getDevice();
    }

    /** The weights' data type; inputs are converted to it. */
    public DataType dataType() {
        return parameters.get("cls_token").getDataType();
    }

    /** The images this model has passed forward and backward so far (for cost measurements). */
    public PassCount passes() {
        return new PassCount(forwardImages.sum(), backwardImages.sum(), nanos.sum(), cpuNanos.sum());
    }

    /** An independent copy of this model in another data type (float64 for gradient checks). */
    public VisionTransformer toType(DataType type) {
        NDManager copyManager = NDManager.newBaseManager(device());
        return new VisionTransformer(parameters.toType(type, copyManager), copyManager);
    }

    /** An independent copy of this model on another device. */
    public VisionTransformer toDevice(Device device) {
        NDManager copyManager = NDManager.newBaseManager(device);
        return new VisionTransformer(
                parameters.map(t -> {
                    NDArray c = t.toDevice(device, true);
                    c.attach(copyManager);
                    return c;
                }),
                copyManager);
    }

    /**
     * Logits for a batch of normalized images, without gradients or trace.
     *
     * @param images {@code [B, C, H, W]}, already normalized
     * @return {@code [B, classes]}, owned by the images' manager
     */
    public NDArray logits(NDArray images) {
        return forward(images, ForwardHook.NONE);
    }

    /**
     * The forward pass with a hook seeing every block's tensors. Gradients flow only if the
     * caller records them (see {@link #trace}).
     *
     * @return logits {@code [B, classes]}, owned by the images' manager
     */
    public NDArray forward(NDArray images, ForwardHook hook) {
        long start = System.nanoTime();
        long cpuStart = CALLER_CPU.getCurrentThreadCpuTime();
        try {
            return forward(images, hook, images.getManager());
        } finally {
            countTime(start, cpuStart);
        }
    }

    private void countTime(long start, long cpuStart) {
        nanos.add(System.nanoTime() - start);
        cpuNanos.add(CALLER_CPU.getCurrentThreadCpuTime() - cpuStart);
    }

    /**
     * Logits with autograd recording, for training: call it with gradient recording on, and
     * keep the images' manager open until the backward pass is done; every intermediate array
     * lives there (see {@link #trace} for why they must outlive the backward pass).
     */
    public NDArray trainingLogits(NDArray images) {
        return run(images, ForwardHook.NONE, images.getManager(), false, false);
    }

    /**
     * Runs the forward pass and records a {@link VitTrace}: the requested tensors of every block
     * and, if asked, the gradients of each image's target class score (its logit or its
     * probability, {@link TraceRequest#score}) with respect to every
     * attention map and recorded token tensor, from one backward pass over the whole batch.
     * Each image's score depends only on its own inputs, so the gradients of the summed score
     * are the per-image gradients.
     *
     * @param images {@code [B, C, H, W]}, already normalized
     * @return the trace; the caller closes it
     */
    public VitTrace trace(NDArray images, TraceRequest request) {
        long start = System.nanoTime();
        long cpuStart = CALLER_CPU.getCurrentThreadCpuTime();
        try {
            return traced(images, request);
        } finally {
            countTime(start, cpuStart);
        }
    }

    private VitTrace traced(NDArray images, TraceRequest request) {
        if (request.targets() == null && !request.gradientPoints().isEmpty()) {
            throw new IllegalArgumentException("gradients at " + request.gradientPoints() + " need target classes");
        }
        NDManager traceManager = images.getManager().newSubManager(device());
        try {
            TraceRecorder recorder = new TraceRecorder(traceManager, request, config.depth());
            if (!request.gradients() || request.gradientPoints().isEmpty()) {
                NDArray logits = forward(images, recorder, traceManager);
                int[] targets = request.gradients() ? request.targets().select(logits) : null;
                return new VitTrace(traceManager, config, logits, targets, recorder.blocks());
            }
            NDArray logits;
            int[] targets;
            // Every array of the graph stays open until the backward pass is done: DJL backs
            // scalar operands (x.mul(2)) with Java buffers that autograd saves without owning,
            // so closing them earlier lets the backward pass read freed memory.
            try (NDManager graph = traceManager.newSubManager();
                    GradientScope autograd = GradientScope.open()) {
                NDArray liveLogits = run(images, recorder, graph, false, request.conservative());
                targets = request.targets().select(liveLogits);
                NDArray scores = request.score() == ClassScore.PROBABILITY ? liveLogits.softmax(-1) : liveLogits;
                NDArray score = scores.mul(TargetClasses.oneHot(
                                graph, targets, liveLogits.getShape().get(1), liveLogits))
                        .sum();
                autograd.backward(score);
                backwardImages.add(liveLogits.getShape().get(0));
                logits = liveLogits.stopGradient();
                logits.attach(traceManager);
            }
            return new VitTrace(traceManager, config, logits, targets, recorder.blocks());
        } catch (RuntimeException | Error e) {
            traceManager.close();
            throw e;
        }
    }

    /** Forward without gradients; logits end up in {@code resultManager}, everything else is freed. */
    private NDArray forward(NDArray images, ForwardHook hook, NDManager resultManager) {
        try (NDManager scope = resultManager.newSubManager(device());
                GradientScope noGrad = GradientScope.disabled()) {
            NDArray logits = run(images, hook, scope, true, false);
            logits.attach(resultManager);
            return logits;
        }
    }

    /**
     * The forward pass, computing in {@code scope}. With {@code freeEachBlock} every block's
     * intermediates are freed as soon as the block is done (only safe when no backward pass
     * follows); otherwise they live until {@code scope} closes.
     */
    private NDArray run(
            NDArray images, ForwardHook hook, NDManager scope, boolean freeEachBlock, boolean conservative) {
        checkInput(images);
        forwardImages.add(images.getShape().get(0));
        NDArray x = images.toDevice(device(), true);
        x.attach(scope);
        if (x.getDataType() != dataType()) {
            x = x.toType(dataType(), false);
        }
        x = embed(x);
        for (int i = 0; i < config.depth(); i++) {
            if (!freeEachBlock) {
                x = block(i, x, hook, conservative).output();
                continue;
            }
            try (NDManager blockScope = scope.newSubManager()) {
                x.attach(blockScope);
                x = block(i, x, hook, conservative).output();
                x.attach(scope);
            }
        }
        return head(x);
    }

    private void checkInput(NDArray images) {
        Shape s = images.getShape();
        Shape expected = new Shape(-1, config.channels(), config.imageSize(), config.imageSize());
        if (s.dimension() != 4
                || s.get(1) != config.channels()
                || s.get(2) != config.imageSize()
                || s.get(3) != config.imageSize()
                || s.get(0) < 1) {
            throw new IllegalArgumentException(
                    "images must have shape " + expected + " (batch, channels, height, " + "width), got " + s);
        }
    }

    /** Patch embedding, prefix tokens and position embedding: {@code [B,C,H,W] -> [B,N,D]}. */
    private NDArray embed(NDArray images) {
        long batch = images.getShape().get(0);
        long d = config.embedDim();
        NDArray patches = Conv2d.conv2d(
                        images,
                        parameters.get("patch_embed.proj.weight"),
                        parameters.get("patch_embed.proj.bias"),
                        new Shape(config.patchSize(), config.patchSize()))
                .singletonOrThrow();
        patches = patches.reshape(batch, d, config.numPatches()).transpose(0, 2, 1);
        NDList tokens = new NDList();
        tokens.add(prefixToken("cls_token", batch, patches.getManager()));
        if (config.distillationToken()) {
            tokens.add(prefixToken("dist_token", batch, patches.getManager()));
        }
        tokens.add(patches);
        return NDArrays.concat(tokens, 1).add(parameters.get("pos_embed"));
    }

    /**
     * A learned token repeated over the batch, owned by the call's scope: DJL gives a result to
     * its first operand's manager, which here would be the weights', growing it on every call.
     */
    private NDArray prefixToken(String name, long batch, NDManager scope) {
        NDArray token = parameters.get(name).broadcast(batch, 1, config.embedDim());
        token.attach(scope);
        return token;
    }

    /**
     * One pre-norm transformer block, {@code x + attn(norm1(x))} then {@code + mlp(norm2(.))}, with
     * the hook applied at every {@link TracePoint}. With {@code conservative}, gradients treat the
     * attention probabilities and the LayerNorm scale as constants (Ali et al. 2022); values are
     * unchanged.
     */
    private BlockActivations block(int i, NDArray x, ForwardHook hook, boolean conservative) {
        String p = "blocks." + i + ".";
        x = hook.onTensor(i, TracePoint.BLOCK_INPUT, x);
        Shape shape = x.getShape();
        long b = shape.get(0);
        long n = shape.get(1);
        long d = shape.get(2);
        long heads = config.numHeads();
        long hd = config.headDim();

        NDArray norm1 = hook.onTensor(i, TracePoint.ATTENTION_NORM, layerNorm(x, p + "norm1", conservative));
        NDArray qkv = linear(norm1, p + "attn.qkv").reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray scores = hook.onTensor(
                i,
                TracePoint.ATTENTION_SCORES,
                q.mul(scalarLike(q, 1.0 / Math.sqrt(hd))).matMul(k.transpose(0, 1, 3, 2)));
        NDArray attention = hook.onTensor(i, TracePoint.ATTENTION, scores.softmax(-1));
        if (hook.wants(TracePoint.VALUE_PROJECTION)) {
            NDArray values = v.transpose(0, 2, 1, 3).reshape(b, n, d);
            hook.onTensor(i, TracePoint.VALUE_PROJECTION, linear(values, p + "attn.proj"));
        }
        NDArray mixing = conservative ? attention.stopGradient() : attention;
        NDArray mixed = mixing.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
        NDArray attentionOutput = linear(mixed, p + "attn.proj");
        NDArray afterAttention = hook.onTensor(i, TracePoint.ATTENTION_RESIDUAL, x.add(attentionOutput));

        NDArray norm2 = layerNorm(afterAttention, p + "norm2", conservative);
        NDArray hidden = Activation.gelu(linear(norm2, p + "mlp.fc1"));
        NDArray mlp = hook.onTensor(i, TracePoint.MLP_OUTPUT, linear(hidden, p + "mlp.fc2"));
        NDArray output = hook.onTensor(i, TracePoint.BLOCK_OUTPUT, afterAttention.add(mlp));
        return new BlockActivations(
                x, norm1, q, k, v, attention, mixed, attentionOutput, afterAttention, norm2, hidden, mlp, output);
    }

    /**
     * Recomputes every intermediate of block {@code index} from its input (no hook, no gradient);
     * the arrays belong to the input's manager.
     */
    public BlockActivations activations(int index, NDArray blockInput) {
        return block(index, blockInput, ForwardHook.NONE, false);
    }

    /** Block {@code index}'s first LayerNorm (before attention) applied to {@code x}. */
    public NDArray attentionNorm(int index, NDArray x) {
        return layerNorm(x, "blocks." + index + ".norm1", false);
    }

    /** The final LayerNorm applied to the last block's output, {@code [B,N,D]}. */
    public NDArray finalNorm(NDArray lastBlockOutput) {
        return layerNorm(lastBlockOutput, "norm", false);
    }

    /** Final norm and classifier on [CLS]; DeiT averages in the distillation head. */
    private NDArray head(NDArray x) {
        NDArray normed = layerNorm(x, "norm");
        NDArray logits = linear(normed.get(":, 0, :"), "head");
        if (config.distillationToken()) {
            NDArray distilled = linear(normed.get(":, 1, :"), "head_dist");
            logits = logits.add(distilled).div(scalarLike(logits, 2));
        }
        return logits;
    }

    /**
     * A scalar in {@code x}'s manager, type and device. Not {@code x.mul(Number)}: DJL closes
     * that operand right after the operation, while autograd keeps reading its (Java-owned)
     * memory until the backward pass.
     */
    private static NDArray scalarLike(NDArray x, double value) {
        return x.getManager().create(value).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
    }

    private NDArray layerNorm(NDArray x, String name) {
        return layerNorm(x, name, false);
    }

    /**
     * LayerNorm; with {@code detachScale} the standard deviation is a constant for gradients, the
     * LN-rule of Ali et al. (ICML 2022): y = (x - mean(x)) / [std(x)].detach() * w + b.
     */
    private NDArray layerNorm(NDArray x, String name, boolean detachScale) {
        if (detachScale) {
            NDArray centered = x.sub(x.mean(new int[] {-1}, true));
            NDArray std = centered.square()
                    .mean(new int[] {-1}, true)
                    .add(scalarLike(x, config.layerNormEps()))
                    .sqrt();
            return centered.div(std.stopGradient())
                    .mul(parameters.get(name + ".weight"))
                    .add(parameters.get(name + ".bias"));
        }
        return LayerNorm.layerNorm(
                        x,
                        new Shape(config.embedDim()),
                        parameters.get(name + ".weight"),
                        parameters.get(name + ".bias"),
                        (float) config.layerNormEps())
                .singletonOrThrow();
    }

    private NDArray linear(NDArray x, String name) {
        return Linear.linear(x, parameters.get(name + ".weight"), parameters.getOptional(name + ".bias"))
                .singletonOrThrow();
    }

    /** Releases the weights. */
    @Override
    public void close() {
        manager.close();
    }
}
