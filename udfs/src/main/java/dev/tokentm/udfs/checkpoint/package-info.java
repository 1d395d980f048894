/**
 * Loading checkpoints: safetensors, timm and Hugging Face naming and hub folder layouts, the architecture from
 * metadata, config files or tensor shapes, DeiT III folded into the plain ViT, pickles refused; the embedded model.
 */
package dev.tokentm.udfs.checkpoint;
