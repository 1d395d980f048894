package dev.tokentm.job.training;

/**
 * Linear warm-up to the peak rate, then cosine decay to {@code floor} (Loshchilov &amp; Hutter,
 * SGDR, ICLR 2017, Eq. 5, without restarts): {@code lr(t) = floor + (peak − floor)·(1 + cos(π·s))/2}
 * with s the fraction of the post-warm-up steps done.
 */
record LearningRateSchedule(double peak, double floor, int warmupSteps, int totalSteps) {

    double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double s = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return floor + (peak - floor) * (1 + Math.cos(Math.PI * s)) / 2;
    }
}
