/**
 * The command line ({@code tokentm <command>}): one {@code <Name>Command} class per command and the option groups
 * they share; options' defaults are their fields' initial values.
 */
package dev.tokentm.job.cli;
