package dev.switchboard.upstream;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.switchboard.model.ProviderSpec;

/**
 * The headers Switchboard sends to one provider: its credential and its configured extra headers. Nothing from the
 * caller's request is forwarded (its {@code Authorization} in particular never leaves the pod).
 */
public final class ProviderHeaders {

    private ProviderHeaders() {
    }

    /** Name → value, in a stable order; holds the secret, so never log it. */
    public static Map<String, String> of(ProviderSpec spec) {
        Map<String, String> headers = new LinkedHashMap<>(spec.headers());
        if (spec.apiKey() != null) {
            String key = spec.apiKey().reveal();
            if (spec.apiKeyHeader().equalsIgnoreCase("authorization")) {
                headers.put("Authorization", "Bearer " + key);
            } else {
                headers.put(spec.apiKeyHeader(), key);
            }
        }
        return Map.copyOf(headers);
    }
}
