package dev.switchboard.strategy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this pod has observed of one target (provider + model): requests in flight, and exponentially weighted moving
 * averages of latency (time to first token for streams, total time otherwise) and of success. Per pod, like Envoy's
 * outlier detection. Thread-safe: readers never lock; writers serialize on the instance.
 */
public final class TargetStats {

    /** Weight of the newest sample in the moving averages. */
    static final double ALPHA = 0.3;

    private final AtomicInteger inFlight = new AtomicInteger();
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
