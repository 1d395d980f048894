/**
 * The job's steps ({@code ExplainJob}): read the corpus, skip what a previous run finished ({@code PendingImages}),
 * explain, aggregate, run the sanity checks ({@code SanityStage}), compare, write; and the progress line.
 */
package dev.tokentm.job.run;
