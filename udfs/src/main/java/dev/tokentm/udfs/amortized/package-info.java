/**
 * Amortized Shapley values for ViTs (ViT Shapley, Covert, Kim, Lee, ICLR 2023): the surrogate game in
 * which held-out patches are removed from attention ({@code CoalitionMask}), the coalitions its training
 * draws ({@code CoalitionSampler}), the explainer network ({@code ShapleyHead} on a ViT's tokens) and the
 * trained pair as one model file ({@code VitShapleyModel}), cached once per executor.
 */
package dev.tokentm.udfs.amortized;
