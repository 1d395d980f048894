/**
 * How the process runs DJL and PyTorch: offline mode and threads ({@code DjlRuntime}), glibc's malloc set once per
 * executor to keep what PyTorch frees ({@code NativeHeap}), and the process's resident memory. The lowest layer.
 */
package dev.tokentm.udfs.runtime;
