package dev.switchboard.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code providers.<name>:} — one upstream API. Secrets are never written here: {@code api-key-env} names an
 * environment variable and {@code api-key-file} a mounted file that holds the key. {@code timeout} is the deprecated
 * alias of {@code first-token-timeout} and {@code idle-timeout} together.
 */
@RegisterForReflection
public record ProviderConfig(String type, String baseUrl, String apiKeyEnv, String apiKeyFile, String apiKeyHeader,
        Map<String, String> headers, Duration timeout, Duration connectTimeout, Duration firstTokenTimeout,
        Duration idleTimeout, Integer maxConcurrency, CircuitBreakerConfig circuitBreaker, RateLimitConfig rateLimit,
        HealthConfig health, MockConfig mock, Boolean responsesApi, String concurrency, QuotaConfig quota) {

    /** Provider types the policy may name. */
    public static final Set<String> TYPES = Set.of("openai", "anthropic", "gemini", "mock");

    public ProviderConfig {
        Checks.required("type", type);
        if (!TYPES.contains(type)) {
            throw new ConfigViolation("type", "unknown provider type '" + type + "' (known: openai, anthropic, gemini, mock)");
        }
        if (!type.equals("mock")) {
            Checks.required("base-url", baseUrl);
            if (!(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
                throw new ConfigViolation("base-url", "must start with http:// or https://, got '" + baseUrl + "'");
            }
        } else if (baseUrl != null) {
            throw new ConfigViolation("base-url", "is not used by type 'mock'");
        }
        if (mock != null && !type.equals("mock")) {
            throw new ConfigViolation("mock", "is only valid for type 'mock'");
        }
        if (apiKeyEnv != null && apiKeyFile != null) {
            throw new ConfigViolation("api-key-file", "set either 'api-key-env' or 'api-key-file', not both");
        }
        Checks.positive("timeout", timeout);
        Checks.positive("connect-timeout", connectTimeout);
        Checks.positive("first-token-timeout", firstTokenTimeout);
        Checks.positive("idle-timeout", idleTimeout);
        Checks.atLeast("max-concurrency", maxConcurrency, 1);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getValue() == null) {
                throw new ConfigViolation("headers." + header.getKey(), "must have a value");
            }
            if (header.getKey().equalsIgnoreCase("authorization")) {
                throw new ConfigViolation("headers." + header.getKey(), "use 'api-key-env' or 'api-key-file' for credentials");
            }
        }
        mock = type.equals("mock") && mock == null ? MockConfig.DEFAULT : mock;
        if (concurrency != null && !concurrency.equals("fixed") && !concurrency.equals("adaptive")) {
            throw new ConfigViolation("concurrency", "must be 'fixed' or 'adaptive', got '" + concurrency + "'");
        }
        if (Boolean.TRUE.equals(responsesApi) && !type.equals("openai")) {
            throw new ConfigViolation("responses-api", "is only valid for type 'openai'");
        }
    }
}
