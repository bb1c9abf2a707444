package dev.switchboard.resilience;

import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.config.HealthConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * Passive health of one provider, from real traffic: success rate and latency as moving averages, p50/p95 latency
 * over the last {@value #WINDOW} answers, time to first token of streams, the last error and requests in flight. One
 * sample per attempt, taken when it ends (a stream when its last event passed, or it broke). Active-probe results are
 * kept apart and never move the success rate of real traffic. Thread-safe; writers serialize on the instance, readers
 * take a {@link Snapshot}.
 */
public final class ProviderHealth {

    static final int WINDOW = 256;
    private static final double ALPHA = 0.3;

    private final HealthConfig thresholds;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final long[] window = new long[WINDOW];
    private int windowSize;
    private int windowNext;
    private long samples;
    private double successRate = 1.0;
    private double latencyMs;
    private double ttftMs;
    private String lastError;
    private long lastErrorAt;
    private String probeStatus = "unknown";
    private long probeFailures;
    private String lastProbeError;
    private long lastProbeAt;

    public ProviderHealth(HealthConfig thresholds, Clock clock) {
        this.thresholds = thresholds;
        this.clock = clock;
    }

    /**
     * An attempt to this provider goes out, unless {@code limit} (its {@code max-concurrency}; 0 for none) are in
     * flight already.
     *
     * @return whether the attempt may go out; if so, {@link #end()} must follow once
     */
    public boolean tryBegin(int limit) {
        while (true) {
            int current = inFlight.get();
            if (limit > 0 && current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Attempts in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    public void end() {
        inFlight.decrementAndGet();
    }

    /** An attempt succeeded; {@code nanos} is its latency (for a stream, the time to its first event). */
    public synchronized void answered(long nanos, boolean stream) {
        double ms = nanos / 1e6;
        if (stream) {
            ttftMs = ttftMs == 0 ? ms : ttftMs + ALPHA * (ms - ttftMs);
        }
        latencyMs = samples == 0 ? ms : latencyMs + ALPHA * (ms - latencyMs);
        successRate = samples == 0 ? 1.0 : successRate + ALPHA * (1.0 - successRate);
        samples++;
        window[windowNext] = nanos;
        windowNext = (windowNext + 1) % WINDOW;
        windowSize = Math.min(WINDOW, windowSize + 1);
    }

    /** An attempt failed (connect, reset, timeout, 5xx, 429). {@code error} must hold no secret or prompt. */
    public synchronized void failed(String error) {
        successRate = samples == 0 ? 0.0 : successRate + ALPHA * (0.0 - successRate);
        samples++;
        lastError = error;
        lastErrorAt = clock.millis();
    }

    /** An active probe passed. */
    public synchronized void probePassed() {
        probeStatus = "passing";
        lastProbeAt = clock.millis();
    }

    /** An active probe failed. {@code error} must hold no secret. */
    public synchronized void probeFailed(String error) {
        probeStatus = "failing";
        probeFailures++;
        lastProbeError = error;
        lastProbeAt = clock.millis();
    }

    /**
     * {@code down} when the guard skips the provider (breaker open or 429 pause), {@code degraded} when its breaker is
     * half-open or its success rate or latency is past the thresholds, else {@code healthy}.
     */
    public String status(ProviderGuard guard) {
        if (guard.paused() || guard.state() == CircuitBreakerState.OPEN) {
            return "down";
        }
        Snapshot s = snapshot();
        if (guard.state() == CircuitBreakerState.HALF_OPEN
                || (s.requests() > 0 && (s.successRate() < thresholds.degradedSuccessRate()
                        || s.latencyMs() > thresholds.degradedLatency().toMillis()))) {
            return "degraded";
        }
        return "healthy";
    }

    public synchronized Snapshot snapshot() {
        long[] sorted = Arrays.copyOf(window, windowSize);
        Arrays.sort(sorted);
        return new Snapshot(samples, successRate, latencyMs, percentile(sorted, 0.50), percentile(sorted, 0.95), ttftMs,
                inFlight.get(), lastError, lastErrorAt, new Probe(probeStatus, probeFailures, lastProbeError, lastProbeAt));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    /** A consistent view; latencies in milliseconds, {@code lastErrorAt} in epoch milliseconds (0: none). */
    public record Snapshot(long requests, double successRate, double latencyMs, double p50Ms, double p95Ms,
            double ttftMs, int inFlight, String lastError, long lastErrorAt, Probe probe) {
    }

    /**
     * Active-probe results: {@code status} unknown (no probe ran yet), passing or failing; {@code lastAt} in epoch
     * milliseconds (0: none).
     */
    public record Probe(String status, long failures, String lastError, long lastAt) {
    }
}
