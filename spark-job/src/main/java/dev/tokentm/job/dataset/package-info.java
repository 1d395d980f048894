/**
 * The project's data: Fashion-MNIST from Debian's package and the cluttered localization set made from it, written
 * as image folders with masks and a manifest.
 */
package dev.tokentm.job.dataset;
