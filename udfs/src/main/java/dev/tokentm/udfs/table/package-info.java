/**
 * The per-image output tables, one {@code OutputColumn} per column: {@code ImageTable} (the explained images,
 * its perturbation columns derived from the curves' description) and {@code SanityTable}; the standard column names.
 */
package dev.tokentm.udfs.table;
