package dev.switchboard.resilience;

/**
 * An adaptive limit on one provider's attempts in flight (AIMD, as TCP and Netflix's concurrency-limits do it): halved
 * when the provider answers 429, times 0.9 when a stream's time to first token rises above twice its baseline, each at
 * most once per round trip (only an attempt sent after the last decrease can cause the next one, so a burst of 429s
 * from one overload halves the limit once); raised by one per limit's worth of successes while the limit is in use (at
 * least half of it in flight), so an idle provider's limit does not grow without evidence. The baseline is the lowest
 * time to first token seen, drifting up slowly so a provider that became slower for good is not punished for ever. A
 * JSON answer's duration is not a latency signal: it grows with the answer's length. Thread-safe.
 */
public final class ConcurrencyLimit {

    /** The limit a provider starts with (capped by its max-concurrency). */
    static final int INITIAL = 20;
    /** The ceiling when the provider has no max-concurrency. */
    static final int CEILING = 1_000;
    /** Latency over this multiple of the baseline lowers the limit. */
    static final double TOLERANCE = 2.0;
    private static final double DRIFT = 0.01;

    private final int max;
    private double limit;
    private boolean decreased;
    private long lastDecrease;
    private double baseline = Double.NaN;

    /** @param maxConcurrency the provider's max-concurrency, or 0 for none */
    public ConcurrencyLimit(int maxConcurrency) {
        this.max = maxConcurrency > 0 ? maxConcurrency : CEILING;
        this.limit = Math.min(INITIAL, max);
    }

    /** The current limit. */
    public synchronized int limit() {
        return (int) limit;
    }

    /** The provider answered 429 to an attempt sent at {@code sentAt} ({@link System#nanoTime()}). */
    public synchronized void throttled(long sentAt) {
        decrease(sentAt, 0.5);
    }

    /**
     * An attempt sent at {@code sentAt} succeeded, with {@code inFlight} attempts to this provider at that moment;
     * {@code firstTokenNanos} is a stream's time to first token, or -1 for a JSON answer.
     */
    public synchronized void succeeded(long sentAt, long firstTokenNanos, int inFlight) {
        if (firstTokenNanos >= 0) {
            if (Double.isNaN(baseline) || firstTokenNanos < baseline) {
                baseline = firstTokenNanos;
            } else {
                baseline += (firstTokenNanos - baseline) * DRIFT;
            }
            if (firstTokenNanos > baseline * TOLERANCE) {
                decrease(sentAt, 0.9);
                return;
            }
        }
        if (inFlight * 2 >= (int) limit) {
            limit = Math.min(max, limit + 1 / limit);
        }
    }

    private void decrease(long sentAt, double factor) {
        if (!decreased || sentAt - lastDecrease > 0) {
            limit = Math.max(1, limit * factor);
            lastDecrease = System.nanoTime();
            decreased = true;
        }
    }
}
