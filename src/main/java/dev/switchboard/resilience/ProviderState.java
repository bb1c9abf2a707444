package dev.switchboard.resilience;

import java.time.Clock;

import dev.switchboard.model.ProviderSpec;

/**
 * The live state of one provider: its breaker and pause, and its passive health. Kept across policy versions while
 * the provider's definition is unchanged, so an open breaker does not silently close on a reload.
 */
public record ProviderState(ProviderSpec spec, ProviderGuard guard, ProviderHealth health) {

    static ProviderState of(ProviderSpec spec, Clock clock) {
        return new ProviderState(spec, new ProviderGuard(spec.circuitBreaker(), spec.rateLimit(), clock),
                new ProviderHealth(spec.health(), clock));
    }

    /** healthy, degraded or down. */
    public String status() {
        return health.status(guard);
    }
}
