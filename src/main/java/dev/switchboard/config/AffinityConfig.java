package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code affinity:} of a route: requests with the same key go to the same target while it works.
 *
 * @param key {@code header:<name>} or {@code user} (the body's {@code user} field)
 * @param ttl how long an idle pin is kept (default 30m)
 */
@RegisterForReflection
public record AffinityConfig(String key, Duration ttl) {

    public AffinityConfig {
        Checks.required("key", key);
        if (!key.equals("user") && !(key.startsWith("header:") && key.length() > "header:".length())) {
            throw new ConfigViolation("key", "must be 'user' or 'header:<name>', got '" + key + "'");
        }
        Checks.positive("ttl", ttl);
        ttl = ttl != null ? ttl : Duration.ofMinutes(30);
    }

    /** The header to read, or null when the key is the body's {@code user} field. */
    public String header() {
        return key.startsWith("header:") ? key.substring("header:".length()) : null;
    }
}
