/**
 * Training a ViT from scratch on the cluttered data with DJL: AdamW, the learning-rate schedule and the loop that
 * keeps the best checkpoint.
 */
package dev.tokentm.job.training;
