package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code defaults:} — values every route and provider inherits unless it sets its own. Missing keys take the built-in
 * defaults below, so {@link #strategy()}, the timeouts (but {@link #requestTimeout()}, which is null when
 * requests are unbounded), {@link #retry()} and {@link #circuitBreaker()} are never null and fully populated.
 * {@code timeout} is the deprecated alias of {@code first-token-timeout} and {@code idle-timeout} together.
 */
@RegisterForReflection
public record DefaultsConfig(String strategy, Duration timeout, Duration connectTimeout, Duration firstTokenTimeout,
        Duration idleTimeout, Duration requestTimeout, RetryConfig retry, CircuitBreakerConfig circuitBreaker,
        Boolean allowPinning, RateLimitConfig rateLimit, HealthConfig health) {

    public static final Duration BUILT_IN_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration BUILT_IN_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final RetryConfig BUILT_IN_RETRY = new RetryConfig(3, Duration.ofMillis(200));
    public static final CircuitBreakerConfig BUILT_IN_BREAKER = new CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(30),
            1);
    public static final DefaultsConfig BUILT_IN = new DefaultsConfig(null, null, null, null, null, null, null, null, null, null,
            null);

    public DefaultsConfig {
        strategy = strategy != null ? strategy : "failover";
        Checks.positive("timeout", timeout);
        Checks.positive("connect-timeout", connectTimeout);
        connectTimeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(5);
        Checks.positive("first-token-timeout", firstTokenTimeout);
        firstTokenTimeout = firstTokenTimeout != null ? firstTokenTimeout
                : timeout != null ? timeout : BUILT_IN_FIRST_TOKEN_TIMEOUT;
        Checks.positive("idle-timeout", idleTimeout);
        idleTimeout = idleTimeout != null ? idleTimeout : timeout != null ? timeout : BUILT_IN_IDLE_TIMEOUT;
        Checks.positive("request-timeout", requestTimeout);
        retry = retry != null ? retry.orElse(BUILT_IN_RETRY) : BUILT_IN_RETRY;
        circuitBreaker = circuitBreaker != null ? circuitBreaker.orElse(BUILT_IN_BREAKER) : BUILT_IN_BREAKER;
        allowPinning = allowPinning != null ? allowPinning : Boolean.TRUE;
        rateLimit = rateLimit != null ? rateLimit.orElse(RateLimitConfig.BUILT_IN) : RateLimitConfig.BUILT_IN;
        health = health != null ? health.orElse(HealthConfig.BUILT_IN) : HealthConfig.BUILT_IN;
    }
}
