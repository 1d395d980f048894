package dev.tokentm.job.training;

/**
 * Every option of training a ViT Shapley explainer (Covert, Kim, Lee, ICLR 2023) in one place; their
 * defaults are the paper's where the 2-core build machine allows (AdamW at 1e-4, paired coalitions), with
 * fewer coalitions per image and fewer epochs.
 *
 * @param model the classifier explained (a checkpoint location)
 * @param surrogateEpochs passes over the images fine-tuning the surrogate
 * @param explainerEpochs passes training the explainer
 * @param batchSize images per step
 * @param maskPairs coalitions per image and explainer step, each with its complement (the paper: 16)
 * @param learningRate AdamW's peak rate, after a warm-up of a tenth of the steps, then cosine
 * @param weightDecay AdamW's decoupled weight decay (the paper: 1e-5)
 * @param seed the seed of the coalitions, the shuffling and the head's initialization
 */
public record VitShapleyTraining(
        String model,
        int surrogateEpochs,
        int explainerEpochs,
        int batchSize,
        int maskPairs,
        double learningRate,
        double weightDecay,
        long seed) {

    public static final int DEFAULT_SURROGATE_EPOCHS = 4;
    public static final int DEFAULT_EXPLAINER_EPOCHS = 8;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_MASK_PAIRS = 8;
    public static final double DEFAULT_LEARNING_RATE = 1e-4;
    public static final double DEFAULT_WEIGHT_DECAY = 1e-5;

    public VitShapleyTraining {
        if (surrogateEpochs < 0 || explainerEpochs < 1) {
            throw new IllegalArgumentException("epochs: the surrogate's must be >= 0 and the explainer's >= 1, got "
                    + surrogateEpochs + " and " + explainerEpochs);
        }
        if (batchSize < 1 || maskPairs < 1) {
            throw new IllegalArgumentException(
                    "--batch-size and --mask-pairs must be at least 1, got " + batchSize + " and " + maskPairs);
        }
        if (!(learningRate > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("the learning rate must be > 0 and the weight decay >= 0, got "
                    + learningRate + " and " + weightDecay);
        }
    }
}
