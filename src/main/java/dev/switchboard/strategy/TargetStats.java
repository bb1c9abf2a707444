package dev.switchboard.strategy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this pod has observed of one target (provider + model): requests in flight, and exponentially weighted moving
 * averages of latency (time to first token for streams, total time otherwise) and of success. Per pod, like Envoy's
 * outlier detection. Thread-safe: readers never lock; writers serialize on the instance.
 */
public final class TargetStats {

    /** Weight of the newest sample in the moving averages. */
    static final double ALPHA = 0.3;

    /** Times to first token (JSON: to the answer) kept for percentiles, the most recent first to go. */
    static final int WINDOW = 64;
    /** Fewer samples than this give no percentile. */
    static final int MIN_SAMPLES = 20;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final long[] window = new long[WINDOW];
    private int windowSize;
    private int windowNext;
    private volatile double latencyMs;
    private volatile double successRate = 1.0;
    private volatile long samples;

    /** An attempt to this target starts. */
    public void begin() {
        inFlight.incrementAndGet();
    }

    /** An attempt ends with an answer or a failure; {@code success} is false for failures that fail over. */
    public void complete(boolean success, long latencyNanos) {
        record(success, latencyNanos);
        release();
    }

    /**
     * A stream's first event arrived after {@code latencyNanos}: its latency sample. The attempt stays in flight, and
     * its success is counted, when it ends ({@link #streamEnded}).
     */
    public synchronized void firstToken(long latencyNanos) {
        sample(latencyNanos);
        double ms = latencyNanos / 1_000_000d;
        latencyMs = samples == 0 && latencyMs == 0 ? ms : latencyMs + ALPHA * (ms - latencyMs);
    }

    /** A stream that started ended: whole ({@code success}), or broken, stalled or malformed. */
    public void streamEnded(boolean success) {
        synchronized (this) {
            successRate = samples == 0 ? (success ? 1.0 : 0.0) : successRate + ALPHA * ((success ? 1.0 : 0.0) - successRate);
            samples++;
        }
        release();
    }

    /** An attempt ends without a verdict on the provider (the caller went away). */
    public void release() {
        inFlight.decrementAndGet();
    }

    private synchronized void record(boolean success, long latencyNanos) {
        if (success) {
            sample(latencyNanos);
        }
        double ms = latencyNanos / 1_000_000d;
        if (samples == 0) {
            latencyMs = ms;
            successRate = success ? 1.0 : 0.0;
        } else {
            latencyMs += ALPHA * (ms - latencyMs);
            successRate += ALPHA * ((success ? 1.0 : 0.0) - successRate);
        }
        samples++;
    }

    private void sample(long latencyNanos) {
        window[windowNext] = latencyNanos;
        windowNext = (windowNext + 1) % WINDOW;
        windowSize = Math.min(WINDOW, windowSize + 1);
    }

    /**
     * The {@code p} percentile (0.5 to 0.99) of the last {@value #WINDOW} times to first token (JSON: to a successful
     * answer), in nanoseconds; -1 with fewer than {@value #MIN_SAMPLES} samples.
     */
    public synchronized long firstTokenPercentile(double p) {
        if (windowSize < MIN_SAMPLES) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(window, windowSize);
        Arrays.sort(sorted);
        return sorted[Math.min(windowSize - 1, (int) Math.ceil(p * windowSize) - 1)];
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Latency moving average in milliseconds; 0 before the first sample. */
    public double latencyMs() {
        return latencyMs;
    }

    /** Success moving average, 0..1; 1 before the first sample. */
    public double successRate() {
        return successRate;
    }

    public long samples() {
        return samples;
    }
}
