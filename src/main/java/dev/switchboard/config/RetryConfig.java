package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code retry:} — how many attempts one request may make in total, and the pause before an attempt that repeats a
 * target already tried. Fields are null when the YAML leaves them out, so a route can override only one of them.
 */
@RegisterForReflection
public record RetryConfig(Integer maxAttempts, Duration backoff) {

    public RetryConfig {
        Checks.atLeast("max-attempts", maxAttempts, 1);
        Checks.notNegative("backoff", backoff);
    }

    /** This config with every missing field taken from {@code fallback}. */
    public RetryConfig orElse(RetryConfig fallback) {
        return new RetryConfig(maxAttempts != null ? maxAttempts : fallback.maxAttempts,
                backoff != null ? backoff : fallback.backoff);
    }
}
