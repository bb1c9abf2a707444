package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code rate-limit:} — how long a provider that answered 429 is paused: its {@code Retry-After}, capped at
 * {@code max-pause}, or {@code default-pause} when it sent none. Null fields are inherited from
 * {@code defaults.rate-limit}.
 */
@RegisterForReflection
public record RateLimitConfig(Duration defaultPause, Duration maxPause) {

    public static final RateLimitConfig BUILT_IN = new RateLimitConfig(Duration.ofSeconds(5), Duration.ofSeconds(60));

    public RateLimitConfig {
        Checks.notNegative("default-pause", defaultPause);
        Checks.notNegative("max-pause", maxPause);
    }

    public RateLimitConfig orElse(RateLimitConfig fallback) {
        return new RateLimitConfig(defaultPause != null ? defaultPause : fallback.defaultPause,
                maxPause != null ? maxPause : fallback.maxPause);
    }
}
