/**
 * The TokenTM study: the paper's ablations and every reading as method lists ({@code StudySection}) and its one
 * table ({@code StudyTable}).
 */
package dev.tokentm.job.study;
