package dev.tokentm.udfs.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.util.Objects;

/**
 * A Vision Transformer written with DJL NDArray operations, computing what timm's
 * {@code VisionTransformer} computes (pre-norm blocks, exact GELU, [CLS] pooling, DeiT's
 * distillation head averaged in at inference), with every block's tensors open to a
 * {@link ForwardHook}. Its weights never change and it is safe to share between threads: each call
 * works in its own NDManager scope; its passes and their time are counted ({@link #passes}).
 */
public final class VisionTransformer implements AutoCloseable {

    static {
        DjlRuntime.configure();
    }

    private final VitConfig config;
    private final VitParameters parameters;
    private final NDManager manager;
    private final VitLayers layers;
    private final PassMeter meter;
    /** The float64 copy {@link #float64()} made, kept with this model (part of the executor's model cache). */
    private VisionTransformer float64;

    /**
     * @param parameters the weights; they become owned by this model, which closes
     *     {@code manager} (and with it the weights) on {@link #close}
     * @param manager the manager holding the weights
     */
    public VisionTransformer(VitParameters parameters, NDManager manager) {
        this(parameters, manager, new PassMeter(parameters.config().depth()));
    }

    private VisionTransformer(VitParameters parameters, NDManager manager, PassMeter meter) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.config = parameters.config();
        this.layers = new VitLayers(config, parameters);
        this.manager = Objects.requireNonNull(manager, "manager");
        this.meter = meter;
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
        return meter.count();
    }

    /** An independent copy of this model in another data type (float64 for gradient checks). */
    public VisionTransformer toType(DataType type) {
        NDManager copyManager = NDManager.newBaseManager(device());
        return new VisionTransformer(parameters.toType(type, copyManager), copyManager);
    }

    /**
     * This model in float64: itself when it is, else a copy made once and closed with this model.
     * For methods whose rules amplify the rounding of a float32 forward pass (the LRP z-rule).
     */
    public synchronized VisionTransformer float64() {
        if (dataType() == DataType.FLOAT64) {
            return this;
        }
        if (float64 == null) {
            // Its passes count as this model's: they are this model's work in another precision.
            NDManager copyManager = NDManager.newBaseManager(device());
            float64 = new VisionTransformer(parameters.toType(DataType.FLOAT64, copyManager), copyManager, meter);
        }
        return float64;
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
        return meter.time(() -> forward(images, hook, images.getManager()));
    }

    /**
     * Logits with autograd recording, for training: call it with gradient recording on, and
     * keep the images' manager open until the backward pass is done; every intermediate array
     * lives there (see {@link #trace} for why they must outlive the backward pass).
     */
    public NDArray trainingLogits(NDArray images) {
        return trainingLogits(images, ForwardHook.NONE);
    }

    /** {@link #trainingLogits(NDArray)} under a hook (a surrogate's coalition of patches). */
    public NDArray trainingLogits(NDArray images, ForwardHook hook) {
        return layers.head(
                tokens(images, hook, images.getManager(), false, GradientRules.GRADIENT), GradientRules.GRADIENT);
    }

    /**
     * The final-normed tokens {@code [B, N, D]}, what the head reads, with autograd recording when it is
     * on (as {@link #trainingLogits}): for heads trained on this model's features (ViT Shapley's explainer).
     */
    public NDArray trainingTokens(NDArray images) {
        return finalNorm(tokens(images, ForwardHook.NONE, images.getManager(), false, GradientRules.GRADIENT));
    }

    /** The final-normed tokens {@code [B, N, D]}, without gradients; owned by the images' manager. */
    public NDArray finalTokens(NDArray images) {
        return meter.time(() -> {
            try (NDManager scope = images.getManager().newSubManager(device());
                    GradientScope noGrad = GradientScope.disabled()) {
                NDArray tokens = finalNorm(tokens(images, ForwardHook.NONE, scope, true, GradientRules.GRADIENT));
                tokens.attach(images.getManager());
                return tokens;
            }
        });
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
        return meter.time(() -> traced(images, request));
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
                NDArray liveLogits = run(images, recorder, graph, false, request.rules());
                targets = request.targets().select(liveLogits);
                NDArray scores = request.score() == ClassScore.PROBABILITY ? liveLogits.softmax(-1) : liveLogits;
                NDArray score = scores.mul(TargetClasses.oneHot(
                                graph, targets, liveLogits.getShape().get(1), liveLogits))
                        .sum();
                autograd.backward(score);
                meter.backward(liveLogits.getShape().get(0));
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
            NDArray logits = run(images, hook, scope, true, GradientRules.GRADIENT);
            logits.attach(resultManager);
            return logits;
        }
    }

    /**
     * The forward pass, computing in {@code scope}. With {@code freeEachBlock} every block's
     * intermediates are freed as soon as the block is done (only safe when no backward pass
     * follows); otherwise they live until {@code scope} closes.
     */
    private NDArray run(NDArray images, ForwardHook hook, NDManager scope, boolean freeEachBlock, GradientRules rules) {
        return layers.head(tokens(images, hook, scope, freeEachBlock, rules), rules);
    }

    /** The last block's output tokens {@code [B, N, D]}, before the final norm; see {@link #run}. */
    private NDArray tokens(
            NDArray images, ForwardHook hook, NDManager scope, boolean freeEachBlock, GradientRules rules) {
        checkInput(images);
        meter.forward(images.getShape().get(0));
        NDArray x = images.toDevice(device(), true);
        x.attach(scope);
        if (x.getDataType() != dataType()) {
            x = x.toType(dataType(), false);
        }
        x = layers.embed(x);
        for (int i = 0; i < config.depth(); i++) {
            if (!freeEachBlock) {
                x = layers.block(i, x, hook, rules).output();
                continue;
            }
            try (NDManager blockScope = scope.newSubManager()) {
                x.attach(blockScope);
                x = layers.block(i, x, hook, rules).output();
                x.attach(scope);
            }
        }
        return x;
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

    /**
     * LeGrad's per-block read-outs (Bousselham et al. 2024): for every block l from {@code first} on, the
     * gradient of {@code s_l = W_head[c] · finalNorm([CLS] after block l)} (the head's row of the image's
     * class, no bias) with respect to block l's attention probabilities. Block outputs are detached between
     * blocks, so that one backward pass of {@code Σ_l s_l} gives each block the gradient of its own score.
     *
     * @param out the manager the gradients are given to
     * @return per block from {@code first}, {@code [B, H, N, N]}
     */
    public java.util.List<NDArray> readoutAttentionGradients(NDArray images, int[] classes, int first, NDManager out) {
        if (!config.hasClassifier()) {
            throw new IllegalArgumentException("read-outs need the model's classifier");
        }
        return meter.time(() -> {
            java.util.List<NDArray> probes = new java.util.ArrayList<>();
            try (NDManager graph = out.newSubManager(device());
                    GradientScope autograd = GradientScope.open()) {
                java.util.List<NDArray> outputs = new java.util.ArrayList<>();
                ForwardHook readouts = new ForwardHook() {
                    @Override
                    public NDArray onTensor(int block, TracePoint point, NDArray value) {
                        if (block < first) {
                            return value;
                        }
                        if (point == TracePoint.ATTENTION) {
                            NDArray probe = graph.zeros(value.getShape(), value.getDataType(), value.getDevice());
                            probe.setRequiresGradient(true);
                            probes.add(probe);
                            return value.add(probe);
                        }
                        if (point != TracePoint.BLOCK_OUTPUT) {
                            return value;
                        }
                        outputs.add(value); // its score reads it; the next block a detached copy
                        return value.stopGradient();
                    }

                    @Override
                    public boolean wants(TracePoint point) {
                        return point == TracePoint.ATTENTION || point == TracePoint.BLOCK_OUTPUT;
                    }
                };
                NDArray input = images.duplicate();
                input.attach(graph);
                tokens(input, readouts, graph, false, GradientRules.GRADIENT);
                NDArray head = parameters.get("head.weight"); // [C, D]
                // The classes' rows [B, D], computed in the graph's scope (an operation led by a weight
                // would leave its result in the weights' manager).
                NDArray rows = TargetClasses.oneHot(graph, classes, config.numClasses(), head)
                        .matMul(head);
                NDArray total = null;
                for (NDArray output : outputs) {
                    NDArray cls = finalNorm(output.get(":, 0, :")); // [B, D]
                    NDArray score = cls.mul(rows).sum();
                    total = total == null ? score : total.add(score);
                }
                autograd.backward(total);
                meter.backward(images.getShape().get(0));
                java.util.List<NDArray> gradients = new java.util.ArrayList<>();
                for (NDArray probe : probes) {
                    NDArray g = probe.getGradient();
                    g.attach(out);
                    gradients.add(g);
                }
                return gradients;
            }
        });
    }

    /**
     * Logits from block {@code first} on: that block's input tokens {@code [B, N, D]} through it, the
     * blocks after it and the head, under a hook, without gradients; owned by the tokens' manager. For
     * methods that vary only the last blocks (ViT-ReciproCAM); counted as {@code (depth − first)/depth}
     * of a forward pass per image (the parts add up; only {@link #passes}'s total is rounded).
     */
    public NDArray logitsFrom(int first, NDArray tokens, ForwardHook hook) {
        if (first < 0 || first >= config.depth()) {
            throw new IllegalArgumentException("block " + first + " is outside 0.." + (config.depth() - 1));
        }
        return meter.time(() -> {
            long images = tokens.getShape().get(0);
            meter.forwardBlocks(images, config.depth() - first);
            try (NDManager scope = tokens.getManager().newSubManager(device());
                    GradientScope noGrad = GradientScope.disabled()) {
                NDArray x = tokens.duplicate();
                x.attach(scope);
                for (int i = first; i < config.depth(); i++) {
                    x = layers.block(i, x, hook, GradientRules.GRADIENT).output();
                }
                NDArray logits = layers.head(x, GradientRules.GRADIENT);
                logits.attach(tokens.getManager());
                return logits;
            }
        });
    }

    /**
     * Recomputes every intermediate of block {@code index} from its input (no hook, no gradient);
     * the arrays belong to the input's manager.
     */
    public BlockActivations activations(int index, NDArray blockInput) {
        return layers.block(index, blockInput, ForwardHook.NONE, GradientRules.GRADIENT);
    }

    /** Block {@code index}'s first LayerNorm (before attention) applied to {@code x}. */
    public NDArray attentionNorm(int index, NDArray x) {
        return layers.layerNorm(x, "blocks." + index + ".norm1", GradientRules.GRADIENT);
    }

    /** The final LayerNorm applied to the last block's output, {@code [B,N,D]}. */
    public NDArray finalNorm(NDArray lastBlockOutput) {
        return layers.layerNorm(lastBlockOutput, "norm", GradientRules.GRADIENT);
    }

    /** Releases the weights. */
    @Override
    public synchronized void close() {
        if (float64 != null) {
            float64.close();
        }
        manager.close();
    }
}
