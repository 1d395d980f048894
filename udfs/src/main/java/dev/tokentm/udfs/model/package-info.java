/**
 * The Vision Transformer: its configuration ({@code VitConfig}, presets, preprocessing), weights, layers
 * ({@code VitLayers}) and the model that runs them ({@code VisionTransformer}), with traces of every block's tensors and
 * their gradients ({@code VitTrace}, {@code TraceRequest}) and the count of its passes.
 */
package dev.tokentm.udfs.model;
