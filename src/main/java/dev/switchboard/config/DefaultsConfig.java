package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code defaults:} — values every route and provider inherits unless it sets its own. Missing keys take the built-in
 * defaults below, so {@link #strategy()}, {@link #timeout()}, {@link #retry()} and {@link #circuitBreaker()} are
 * never null and fully populated.
 */
@RegisterForReflection
public record DefaultsConfig(String strategy, Duration timeout, Duration connectTimeout, RetryConfig retry,
        CircuitBreakerConfig circuitBreaker, Boolean allowPinning, RateLimitConfig rateLimit, HealthConfig health) {

    public static final RetryConfig BUILT_IN_RETRY = new RetryConfig(3, Duration.ofMillis(200));
    public static final CircuitBreakerConfig BUILT_IN_BREAKER = new CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(30),
            1);
    public static final DefaultsConfig BUILT_IN = new DefaultsConfig(null, null, null, null, null, null, null, null);

    public DefaultsConfig {
        strategy = strategy != null ? strategy : "failover";
        Checks.positive("timeout", timeout);
        timeout = timeout != null ? timeout : Duration.ofSeconds(60);
        Checks.positive("connect-timeout", connectTimeout);
        connectTimeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(5);
        retry = retry != null ? retry.orElse(BUILT_IN_RETRY) : BUILT_IN_RETRY;
        circuitBreaker = circuitBreaker != null ? circuitBreaker.orElse(BUILT_IN_BREAKER) : BUILT_IN_BREAKER;
        allowPinning = allowPinning != null ? allowPinning : Boolean.TRUE;
        rateLimit = rateLimit != null ? rateLimit.orElse(RateLimitConfig.BUILT_IN) : RateLimitConfig.BUILT_IN;
        health = health != null ? health.orElse(HealthConfig.BUILT_IN) : HealthConfig.BUILT_IN;
    }
}
