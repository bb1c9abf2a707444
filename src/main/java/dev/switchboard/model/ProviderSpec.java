package dev.switchboard.model;

import java.time.Duration;
import java.util.Map;

import dev.switchboard.config.CircuitBreakerConfig;
import dev.switchboard.config.HealthConfig;
import dev.switchboard.config.MockConfig;
import dev.switchboard.config.RateLimitConfig;

/**
 * One provider with every default applied. Two specs are equal when the provider's definition did not change, which
 * is how a policy reload knows to keep its client and state.
 *
 * @param name the provider's key in the policy
 * @param type openai, anthropic, gemini or mock
 * @param baseUrl the API root without a trailing slash (null for mock)
 * @param apiKey the credential, or null when the API needs none
 * @param apiKeyHeader the header that carries the key; {@code Authorization} sends it as {@code Bearer <key>}
 * @param headers extra headers sent with every request
 * @param connectTimeout deadline for opening a connection
 * @param firstTokenTimeout deadline from sending a request to a JSON answer or a stream's first data event (the wait
 *        for a pooled connection included); a miss fails over
 * @param idleTimeout the longest silence inside a stream once it started; a miss ends the stream with an error event
 * @param maxConcurrency the most attempts in flight to this provider at once, or 0 for no limit
 * @param circuitBreaker the breaker thresholds
 * @param rateLimit how long a 429 pauses the provider
 * @param health when the provider counts as degraded
 * @param mock the mock's behaviour (only for type mock)
 * @param responsesApi whether this OpenAI-type API serves {@code /responses} itself (requests to Switchboard's
 *        {@code /v1/responses} then pass through to it)
 * @param adaptiveConcurrency whether the in-flight limit adapts (AIMD) below {@code maxConcurrency}
 * @param quota requests and tokens per minute shared by every pod, or null
 */
public record ProviderSpec(String name, String type, String baseUrl, Secret apiKey, String apiKeyHeader,
        Map<String, String> headers, Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
        int maxConcurrency, CircuitBreakerConfig circuitBreaker, RateLimitConfig rateLimit, HealthConfig health,
        MockConfig mock, boolean responsesApi, boolean adaptiveConcurrency, Quota quota) {

    /**
     * A provider key's quota per minute, shared by every pod.
     *
     * @param requests requests per minute, or -1 for none
     * @param tokens tokens per minute, or -1 for none
     */
    public record Quota(long requests, long tokens) {
    }

    public ProviderSpec {
        headers = Map.copyOf(headers);
    }

    /** A provider that serves no client schema natively but chat completions. */
    public ProviderSpec(String name, String type, String baseUrl, Secret apiKey, String apiKeyHeader,
            Map<String, String> headers, Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
            int maxConcurrency, CircuitBreakerConfig circuitBreaker, RateLimitConfig rateLimit, HealthConfig health,
            MockConfig mock) {
        this(name, type, baseUrl, apiKey, apiKeyHeader, headers, connectTimeout, firstTokenTimeout, idleTimeout,
                maxConcurrency, circuitBreaker, rateLimit, health, mock, false, false, null);
    }
}
