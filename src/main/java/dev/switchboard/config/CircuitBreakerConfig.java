package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code circuit-breaker:} thresholds. Null fields are inherited from {@code defaults.circuit-breaker}, so a provider
 * may override a single value ({@code circuit-breaker: { failure-ratio: 0.3 }}).
 */
@RegisterForReflection
public record CircuitBreakerConfig(Double failureRatio, Integer requestVolumeThreshold, Duration delay,
        Integer successThreshold) {

    public CircuitBreakerConfig {
        Checks.ratio("failure-ratio", failureRatio, false);
        Checks.atLeast("request-volume-threshold", requestVolumeThreshold, 1);
        Checks.positive("delay", delay);
        Checks.atLeast("success-threshold", successThreshold, 1);
    }

    /** This config with every missing field taken from {@code fallback}. */
    public CircuitBreakerConfig orElse(CircuitBreakerConfig fallback) {
        if (fallback == null) {
            return this;
        }
        return new CircuitBreakerConfig(
                failureRatio != null ? failureRatio : fallback.failureRatio,
                requestVolumeThreshold != null ? requestVolumeThreshold : fallback.requestVolumeThreshold,
                delay != null ? delay : fallback.delay,
                successThreshold != null ? successThreshold : fallback.successThreshold);
    }
}
