package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code health:} — when a provider whose breaker is closed counts as {@code degraded}, and its optional active
 * probe. Null fields are inherited from {@code defaults.health}.
 *
 * @param degradedSuccessRate success rate (moving average, 0..1) below which the provider is degraded
 * @param degradedLatency latency (moving average) above which the provider is degraded
 * @param probe whether to probe the provider periodically with a zero-token request
 * @param interval time between probes
 * @param path what to {@code GET}, relative to {@code base-url}; null for the API's model listing ({@code /models},
 *        {@code /v1/models} for Anthropic, {@code /v1beta/models} for Gemini); never a completion
 */
@RegisterForReflection
public record HealthConfig(Double degradedSuccessRate, Duration degradedLatency, Boolean probe, Duration interval,
        String path) {

    public static final HealthConfig BUILT_IN = new HealthConfig(0.9, Duration.ofSeconds(20), false,
            Duration.ofSeconds(15), null);

    public HealthConfig {
        Checks.ratio("degraded-success-rate", degradedSuccessRate, true);
        Checks.positive("degraded-latency", degradedLatency);
        Checks.positive("interval", interval);
        if (interval != null && interval.toMillis() < 100) {
            throw new ConfigViolation("interval", "must be at least 100ms");
        }
        if (path != null && !path.startsWith("/")) {
            throw new ConfigViolation("path", "must start with '/', got '" + path + "'");
        }
        if (path != null && (path.contains("completions") || path.contains("embeddings") || path.contains("messages")
                || path.contains("generateContent"))) {
            throw new ConfigViolation("path", "must not be a paid endpoint such as " + path);
        }
    }

    public HealthConfig orElse(HealthConfig fallback) {
        return new HealthConfig(degradedSuccessRate != null ? degradedSuccessRate : fallback.degradedSuccessRate,
                degradedLatency != null ? degradedLatency : fallback.degradedLatency,
                probe != null ? probe : fallback.probe,
                interval != null ? interval : fallback.interval,
                path != null ? path : fallback.path);
    }
}
