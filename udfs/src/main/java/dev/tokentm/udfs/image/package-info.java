/**
 * Images into model inputs: decoding every format people have (with limits against decompression bombs), resizing
 * as Pillow does, centre crops that keep masks aligned, and bilinear upsampling as PyTorch does.
 */
package dev.tokentm.udfs.image;
