/**
 * Faithfulness per image. The removal protocols and their curves are described once: {@code Protocol} (with its
 * {@code Removal}), {@code Curve}, {@code StepField} and {@code Score}; {@code PerturbationPlan} turns them into the
 * passes {@code FaithfulnessEvaluator} runs. Also the segmentation test, the pixel ranking and the sanity checks.
 */
package dev.tokentm.udfs.metrics;
