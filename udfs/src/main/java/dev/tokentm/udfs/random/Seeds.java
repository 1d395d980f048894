package dev.tokentm.udfs.random;

import java.nio.charset.StandardCharsets;

/**
 * Derived seeds: a run's seed mixed with what a random draw belongs to (an image, a step, a
 * replicate), so every draw is reproducible and independent of batching and partitioning.
 */
public final class Seeds {

    private Seeds() {}

    /** SplitMix64's finalizer over the parts, one after another. */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = finalize(h ^ finalize(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** A seed for a string key such as an image id (its UTF-8 bytes, FNV-1a 64). */
    public static long of(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return finalize(h);
    }

    /** A seed for content such as an image's values (their bits, mixed one after another). */
    public static long of(float[] content) {
        long h = content.length;
        for (float v : content) {
            h = finalize(h ^ (Float.floatToIntBits(v) & 0xffffffffL) + 0x9E3779B97F4A7C15L);
        }
        return h;
    }

    private static long finalize(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
