package dev.switchboard.resilience;

import java.time.Clock;

import dev.switchboard.model.ProviderSpec;

/**
 * The live state of one provider: its breaker and pause, its passive health, the rate-limit budget its headers report
 * and its adaptive in-flight limit. Kept across policy versions while the provider's definition is unchanged, so an
 * open breaker does not silently close on a reload.
 *
 * @param budget what the provider's rate-limit headers say is left (read only with {@code rate-limit.admission})
 * @param adaptive the adaptive in-flight limit, or null with {@code concurrency: fixed}
 */
public record ProviderState(ProviderSpec spec, ProviderGuard guard, ProviderHealth health, RateBudget budget,
        ConcurrencyLimit adaptive) {

    static ProviderState of(ProviderSpec spec, Clock clock) {
        return new ProviderState(spec, new ProviderGuard(spec.circuitBreaker(), spec.rateLimit(), clock),
                new ProviderHealth(spec.health(), clock), new RateBudget(clock),
                spec.adaptiveConcurrency() ? new ConcurrencyLimit(spec.maxConcurrency()) : null);
    }

    /** The most attempts in flight now: the adaptive limit, else max-concurrency (0: no limit). */
    public int inFlightLimit() {
        return adaptive != null ? adaptive.limit() : spec.maxConcurrency();
    }

    /** healthy, degraded or down. */
    public String status() {
        return health.status(guard);
    }
}
