/**
 * The dataset audit: what a model bases its decisions on, per class, across a run's heatmaps.
 * Strategies clustered per class ({@link dev.tokentm.job.audit.StrategyStage}), shortcut candidates
 * among them ({@link dev.tokentm.job.audit.ShortcutRule}), a causal test of each ({@link
 * dev.tokentm.job.audit.CausalTest}), right-for-the-wrong-reasons counts ({@link
 * dev.tokentm.job.audit.WrongReasons}); {@link dev.tokentm.job.audit.Audit} runs them in order. The
 * tables they fill are described in {@code output}, and {@code run.AuditStage} writes them.
 */
package dev.tokentm.job.audit;
