package dev.switchboard.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code providers.<name>.quota:} — requests and/or tokens per minute for the provider's key, shared by every pod
 * that uses it; a request that would exceed it goes to the next target without a network attempt.
 */
@RegisterForReflection
public record QuotaConfig(Integer requestsPerMinute, Long tokensPerMinute) {

    public QuotaConfig {
        if (requestsPerMinute == null && tokensPerMinute == null) {
            throw new ConfigViolation("requests-per-minute", "set requests-per-minute and/or tokens-per-minute");
        }
        Checks.atLeast("requests-per-minute", requestsPerMinute, 1);
        if (tokensPerMinute != null && tokensPerMinute < 1) {
            throw new ConfigViolation("tokens-per-minute", "must be >= 1");
        }
    }
}
