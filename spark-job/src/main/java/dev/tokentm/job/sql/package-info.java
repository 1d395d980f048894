/**
 * The job as SQL functions, for any Spark language: {@code TokenTmExtensions} (set {@code spark.sql.extensions}
 * to it) registers {@code tokentm_explain} (a table of images explained, the rows of a run's {@code images/}) and
 * {@code tokentm_metrics} (the dataset metrics with their intervals, from a run's output or a table of explained
 * rows), each checking its arguments when the query is analysed.
 */
package dev.tokentm.job.sql;
