package dev.tokentm.job.training;

import dev.tokentm.udfs.model.VitConfig;

/**
 * Every training option in one place.
 *
 * @param model the architecture trained from scratch
 * @param epochs passes over the training images
 * @param batchSize images per step
 * @param learningRate peak learning rate (after warm-up)
 * @param weightDecay AdamW's decoupled weight decay, on weight matrices only
 * @param warmupEpochs epochs of linear warm-up
 * @param labelSmoothing share of the target probability spread over all classes
 * @param trainImages how many training garments to use per epoch (at most 60,000)
 * @param testImages how many test garments to evaluate on (at most 10,000)
 * @param seed seed of initialization, shuffling and the training images' clutter
 * @param testSeed seed of the test images' clutter (the committed sample uses it too)
 * @param init a checkpoint to continue from (its architecture must be {@code model}), or null to
 *     start from random weights
 */
public record TrainConfig(
        VitConfig model,
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        double warmupEpochs,
        double labelSmoothing,
        int trainImages,
        int testImages,
        long seed,
        long testSeed,
        String init) {}
