package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code rate-limit:} — how long a provider that answered 429 is paused: its {@code Retry-After}, capped at
 * {@code max-pause}, or {@code default-pause} when it sent none; and with {@code admission: true}, whether requests
 * are admitted by the budget the provider reports in its rate-limit headers (a request whose estimated tokens exceed
 * what is left goes to the next target instead of collecting a 429). Null fields are inherited from
 * {@code defaults.rate-limit}.
 */
@RegisterForReflection
public record RateLimitConfig(Duration defaultPause, Duration maxPause, Boolean admission) {

    public static final RateLimitConfig BUILT_IN = new RateLimitConfig(Duration.ofSeconds(5), Duration.ofSeconds(60),
            false);

    public RateLimitConfig(Duration defaultPause, Duration maxPause) {
        this(defaultPause, maxPause, null);
    }

    public RateLimitConfig {
        Checks.notNegative("default-pause", defaultPause);
        Checks.notNegative("max-pause", maxPause);
    }

    public RateLimitConfig orElse(RateLimitConfig fallback) {
        return new RateLimitConfig(defaultPause != null ? defaultPause : fallback.defaultPause,
                maxPause != null ? maxPause : fallback.maxPause, admission != null ? admission : fallback.admission);
    }

    /** Whether requests are admitted by the provider's rate-limit headers. */
    public boolean admits() {
        return Boolean.TRUE.equals(admission);
    }
}
