/**
 * The explainers, one class per method behind the {@code Explainer} interface, named by spec in {@code
 * ExplainerRegistry}; {@code ExplainContext} runs one shared forward and backward pass for the methods that read it.
 */
package dev.tokentm.udfs.explain;
