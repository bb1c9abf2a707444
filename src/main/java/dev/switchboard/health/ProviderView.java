package dev.switchboard.health;

import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.limits.Counter;
import dev.switchboard.limits.LimitKeys;
import dev.switchboard.limits.SharedLimits;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.resilience.ProviderHealth;
import dev.switchboard.resilience.ProviderState;

/** How a provider's state is shown to operators: the same words in readiness data and the admin API. */
final class ProviderView {

    private ProviderView() {
    }

    /** closed, open or half_open. */
    static String breaker(ProviderState state) {
        return state.guard().state().name().toLowerCase(Locale.ROOT);
    }

    /** One entry of the router-health API. Holds no secret: names, numbers and the last error's summary. */
    static void write(String name, ProviderState state, ObjectNode node, SharedLimits limits) {
        ProviderHealth.Snapshot health = state.health().snapshot();
        node.put("name", name)
                .put("type", state.spec().type())
                .put("status", state.status())
                .put("breaker", breaker(state))
                .put("paused", state.guard().paused())
                .put("available_in_ms", state.guard().availableIn().toMillis())
                .put("latency_ms", round(health.latencyMs()))
                .put("p50_ms", round(health.p50Ms()))
                .put("p95_ms", round(health.p95Ms()))
                .put("ttft_ms", round(health.ttftMs()))
                .put("success_rate", round(health.successRate()))
                .put("requests", health.requests())
                .put("in_flight", health.inFlight())
                .put("in_flight_limit", state.inFlightLimit())
                .put("concurrency", state.adaptive() != null ? "adaptive" : "fixed")
                .put("last_error", health.lastError());
        node.put("last_error_at", instant(health.lastErrorAt()));
        ProviderSpec.Quota quota = state.spec().quota();
        if (quota != null) {
            ObjectNode used = node.putObject("quota").put("requests_per_minute", quota.requests())
                    .put("tokens_per_minute", quota.tokens());
            for (Counter counter : LimitKeys.quota(state.spec(), 0, System.currentTimeMillis())) {
                used.put(counter.key().contains(":requests:") ? "requests_used" : "tokens_used",
                        limits.memory().seen(counter.key()));
            }
        } else {
            node.putNull("quota");
        }
        if (state.spec().rateLimit().admits()) {
            node.putObject("rate_limit").put("requests_left", state.budget().requestsLeft())
                    .put("tokens_left", state.budget().tokensLeft());
        } else {
            node.putNull("rate_limit");
        }
        if (Boolean.TRUE.equals(state.spec().health().probe())) {
            ProviderHealth.Probe probe = health.probe();
            node.putObject("probe").put("status", probe.status()).put("failures", probe.failures())
                    .put("last_error", probe.lastError()).put("last_at", instant(probe.lastAt()));
        } else {
            node.putNull("probe");
        }
    }

    private static String instant(long epochMillis) {
        return epochMillis > 0 ? java.time.Instant.ofEpochMilli(epochMillis).toString() : null;
    }

    /** The one-line summary used in readiness data. */
    static String summary(ProviderState state) {
        ProviderHealth.Snapshot health = state.health().snapshot();
        return state.status() + ", breaker " + breaker(state) + ", success_rate " + round(health.successRate())
                + ", latency_ms " + round(health.latencyMs());
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000d;
    }
}
