package dev.tokentm.udfs.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The architecture of a Vision Transformer (Dosovitskiy et al. 2021) as timm builds it, plus the
 * optional distillation token of DeiT (Touvron et al. 2021) and the preprocessing it expects.
 *
 * @param imageSize input side in pixels (square inputs)
 * @param patchSize patch side in pixels; must divide {@code imageSize}
 * @param channels input channels (3 for RGB)
 * @param embedDim token width D
 * @param depth number of transformer blocks
 * @param numHeads attention heads per block; must divide {@code embedDim}
 * @param mlpRatio MLP hidden width as a multiple of D
 * @param qkvBias whether the query/key/value projection has a bias
 * @param layerNormEps epsilon of every LayerNorm
 * @param numClasses classifier outputs; 0 for a backbone without a classifier (DINO's), whose output
 *     is the final-normed [CLS] token, as timm's with {@code num_classes=0}
 * @param classToken whether a [CLS] token is prepended (required: explainers read its row)
 * @param distillationToken whether a DeiT distillation token follows the [CLS] token
 * @param registerTokens learned register tokens after the [CLS] token (timm's {@code reg_tokens},
 *     Darcet et al. ICLR 2024); prefix tokens like [CLS], never patches of the grid
 * @param preprocessing how images become inputs
 */
public record VitConfig(
        int imageSize,
        int patchSize,
        int channels,
        int embedDim,
        int depth,
        int numHeads,
        double mlpRatio,
        boolean qkvBias,
        double layerNormEps,
        int numClasses,
        boolean classToken,
        boolean distillationToken,
        int registerTokens,
        Preprocessing preprocessing) {

    public VitConfig {
        Objects.requireNonNull(preprocessing, "preprocessing");
        List<String> problems = new ArrayList<>();
        positive(problems, "image size", imageSize);
        positive(problems, "patch size", patchSize);
        positive(problems, "channels", channels);
        positive(problems, "embed dim", embedDim);
        positive(problems, "depth", depth);
        positive(problems, "heads", numHeads);
        if (numClasses < 0) {
            problems.add("classes must be 0 (no classifier) or more, got " + numClasses);
        }
        if (registerTokens < 0) {
            problems.add("register tokens must be 0 or more, got " + registerTokens);
        }
        if (imageSize > 0 && patchSize > 0 && imageSize % patchSize != 0) {
            problems.add("patch size " + patchSize + " does not divide image size " + imageSize);
        }
        if (embedDim > 0 && numHeads > 0 && embedDim % numHeads != 0) {
            problems.add("heads " + numHeads + " do not divide embed dim " + embedDim);
        }
        if (!(mlpRatio > 0) || Math.abs(mlpRatio * embedDim - Math.round(mlpRatio * embedDim)) > 1e-9) {
            problems.add("mlp ratio " + mlpRatio + " must be positive and give a whole hidden width");
        }
        if (!(layerNormEps > 0)) {
            problems.add("layer norm eps must be positive, got " + layerNormEps);
        }
        if (!classToken) {
            problems.add("a class token is required: every explainer reads the [CLS] row");
        }
        if (preprocessing.cropSize() != imageSize) {
            problems.add("preprocessing crops to " + preprocessing.cropSize() + " but the model takes " + imageSize);
        }
        if (preprocessing.mean().length != channels) {
            problems.add("preprocessing has " + preprocessing.mean().length + " channel statistics for " + channels
                    + " channels");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid ViT config: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String name, int value) {
        if (value <= 0) {
            problems.add(name + " must be positive, got " + value);
        }
    }

    /**
     * A timm-style ViT: 3 channels, MLP ratio 4, qkv bias, LayerNorm eps 1e-6, a [CLS] token, no
     * distillation token, and timm's default preprocessing at the image size; change any of them
     * by name before {@link Builder#build()}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder()
                .imageSize(imageSize)
                .patchSize(patchSize)
                .channels(channels)
                .embedDim(embedDim)
                .depth(depth)
                .numHeads(numHeads)
                .mlpRatio(mlpRatio)
                .qkvBias(qkvBias)
                .layerNormEps(layerNormEps)
                .numClasses(numClasses)
                .classToken(classToken)
                .distillationToken(distillationToken)
                .registerTokens(registerTokens)
                .preprocessing(preprocessing);
    }

    /** Builds a {@link VitConfig} by named parts; see {@link #builder()} for the defaults. */
    public static final class Builder {
        private int imageSize;
        private int patchSize;
        private int channels = 3;
        private int embedDim;
        private int depth;
        private int numHeads;
        private double mlpRatio = 4.0;
        private boolean qkvBias = true;
        private double layerNormEps = 1e-6;
        private int numClasses;
        private boolean classToken = true;
        private boolean distillationToken;
        private int registerTokens;
        private Preprocessing preprocessing;

        private Builder() {}

        public Builder imageSize(int v) {
            imageSize = v;
            return this;
        }

        public Builder patchSize(int v) {
            patchSize = v;
            return this;
        }

        public Builder channels(int v) {
            channels = v;
            return this;
        }

        public Builder embedDim(int v) {
            embedDim = v;
            return this;
        }

        public Builder depth(int v) {
            depth = v;
            return this;
        }

        public Builder numHeads(int v) {
            numHeads = v;
            return this;
        }

        public Builder mlpRatio(double v) {
            mlpRatio = v;
            return this;
        }

        public Builder qkvBias(boolean v) {
            qkvBias = v;
            return this;
        }

        public Builder layerNormEps(double v) {
            layerNormEps = v;
            return this;
        }

        public Builder numClasses(int v) {
            numClasses = v;
            return this;
        }

        public Builder classToken(boolean v) {
            classToken = v;
            return this;
        }

        public Builder distillationToken(boolean v) {
            distillationToken = v;
            return this;
        }

        public Builder registerTokens(int v) {
            registerTokens = v;
            return this;
        }

        /** How images become inputs; timm's default at the image size when not set. */
        public Builder preprocessing(Preprocessing v) {
            preprocessing = v;
            return this;
        }

        /** The config; fails listing every invalid part. */
        public VitConfig build() {
            return new VitConfig(
                    imageSize,
                    patchSize,
                    channels,
                    embedDim,
                    depth,
                    numHeads,
                    mlpRatio,
                    qkvBias,
                    layerNormEps,
                    numClasses,
                    classToken,
                    distillationToken,
                    registerTokens,
                    preprocessing != null ? preprocessing : Preprocessing.timmDefault(imageSize));
        }
    }

    /** Patches per side. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Number of patch tokens. */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** Tokens before the patch tokens: [CLS], DeiT's distillation token, the register tokens. */
    public int numPrefixTokens() {
        return (classToken ? 1 : 0) + (distillationToken ? 1 : 0) + registerTokens;
    }

    /** Whether the model has a classifier; without one its output is the [CLS] token's features. */
    public boolean hasClassifier() {
        return numClasses > 0;
    }

    /** All tokens in the sequence. */
    public int numTokens() {
        return numPrefixTokens() + numPatches();
    }

    /** Width of one attention head. */
    public int headDim() {
        return embedDim / numHeads;
    }

    /** Hidden width of the MLP. */
    public int mlpHiddenDim() {
        return (int) Math.round(mlpRatio * embedDim);
    }

    /**
     * Multiply-accumulate operations of one image's forward pass, counted from the matrix products
     * (patch embedding, qkv, attention scores and mixing, output projection, MLP, head).
     */
    public long forwardMacsPerImage() {
        long n = numTokens();
        long d = embedDim;
        long perBlock = n * d * 3 * d // qkv
                + 2 * n * n * d // scores and mixing over all heads
                + n * d * d // output projection
                + 2 * n * d * mlpHiddenDim(); // fc1 and fc2
        long patchEmbed = (long) numPatches() * channels * patchSize * patchSize * d;
        return patchEmbed + depth * perBlock + d * numClasses;
    }
}
