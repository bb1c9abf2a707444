package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code health:} — when a provider whose breaker is closed counts as {@code degraded}. Null fields are inherited from
 * {@code defaults.health}.
 *
 * @param degradedSuccessRate success rate (moving average, 0..1) below which the provider is degraded
 * @param degradedLatency latency (moving average) above which the provider is degraded
 */
@RegisterForReflection
public record HealthConfig(Double degradedSuccessRate, Duration degradedLatency) {

    public static final HealthConfig BUILT_IN = new HealthConfig(0.9, Duration.ofSeconds(20));

    public HealthConfig {
        Checks.ratio("degraded-success-rate", degradedSuccessRate, true);
        Checks.positive("degraded-latency", degradedLatency);
    }

    public HealthConfig orElse(HealthConfig fallback) {
        return new HealthConfig(degradedSuccessRate != null ? degradedSuccessRate : fallback.degradedSuccessRate,
                degradedLatency != null ? degradedLatency : fallback.degradedLatency);
    }
}
