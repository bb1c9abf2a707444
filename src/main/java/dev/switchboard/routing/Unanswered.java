package dev.switchboard.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.openai.OpenAiErrors;

/**
 * The error answers of an attempt plan that produced no answer: every target refused before any attempt, or every
 * attempt failed. Stateless.
 */
final class Unanswered {

    private static final Logger LOGGER = Logger.getLogger(Unanswered.class);

    private Unanswered() {
    }

    /**
     * 503 {@code overloaded} (retry in a second) when a provider was full, else 503 {@code no_available_provider} with
     * the earliest time one may be tried again.
     */
    static ProxyResponse noTarget(ActivePolicy policy, Route route, List<Target> plan, String routeTag, boolean saturated,
            Metrics metrics) {
        metrics.noAvailableProvider(routeTag);
        long wait = Long.MAX_VALUE;
        List<String> states = new ArrayList<>();
        for (Target target : plan) {
            ProviderState state = policy.state(target.provider());
            wait = Math.min(wait, state.guard().availableIn().toMillis());
            states.add(target.provider() + " " + state.status());
        }
        long seconds = saturated ? 1 : Math.max(1, (wait + 999) / 1000);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Retry-After", List.of(Long.toString(seconds)));
        headers.put(ResponseHeaders.ATTEMPTS, List.of("0"));
        if (saturated) {
            metrics.shed("provider_concurrency");
            String message = "Every provider of '" + route.name() + "' is at its max-concurrency or unavailable; retry in "
                    + seconds + "s.";
            LOGGER.warnf("route '%s': %s", route.name(), message);
            return ProxyResponse.error(503, message, OpenAiErrors.SERVER, "overloaded", headers);
        }
        String message = "No provider of '" + route.name() + "' is available now (" + String.join(", ", states)
                + "); retry in " + seconds + "s.";
        LOGGER.warnf("route '%s': %s", route.name(), message);
        return ProxyResponse.error(503, message, OpenAiErrors.UPSTREAM, "no_available_provider", headers);
    }

    /**
     * 429 {@code rate_limited} before any attempt: every target that could take the request was skipped because its
     * provider's reported rate-limit budget is spent; {@code Retry-After} is when the first one resets.
     */
    static ProxyResponse budgetSpent(Route route, Duration resetsIn, Metrics metrics, String routeTag) {
        metrics.noAvailableProvider(routeTag);
        long seconds = Math.max(1, (resetsIn.toMillis() + 999) / 1000);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Retry-After", List.of(Long.toString(seconds)));
        headers.put(ResponseHeaders.ATTEMPTS, List.of("0"));
        String message = "The rate limits of every provider of '" + route.name() + "', as their own headers report them, "
                + "are spent; retry in " + seconds + "s.";
        LOGGER.warnf("route '%s': %s", route.name(), message);
        return ProxyResponse.error(429, message, "rate_limit_error", "rate_limited", headers);
    }

    /**
     * Switchboard itself cut the request short before its answer started: 504 when the deadline ran out (or left too
     * little time for any target), 503 when the drain is over.
     *
     * @param last what the last attempt met ("; last: ..."), or empty
     */
    static ProxyResponse stopped(Route route, StreamRelay.Stop stop, String deadline, boolean tooLate, int attempts,
            String last, Map<String, List<String>> headers) {
        String message;
        if (stop == StreamRelay.Stop.DEADLINE) {
            message = deadline + (tooLate ? " leaves too little time for any target" : " ran out") + " after "
                    + attempts + " attempt(s)" + last + ".";
        } else {
            headers.put("Retry-After", List.of("1"));
            message = "Switchboard is shutting down; retry on another instance.";
        }
        LOGGER.warnf("route '%s': %s", route.name(), message);
        return ProxyResponse.error(stop.status, message, stop == StreamRelay.Stop.DEADLINE ? OpenAiErrors.UPSTREAM
                : OpenAiErrors.SERVER, stop.code, headers);
    }

    /**
     * Every attempt failed: 429 with the provider's {@code Retry-After} when the last was throttled (a 429 the caller's
     * SDK knows how to back off from), 504 when it timed out, else 502, naming the last provider and its failure.
     *
     * @param headers the answer's headers (the attempt trail included), added to
     */
    static ProxyResponse exhausted(Route route, int attempts, Target last, Outcome outcome,
            Map<String, List<String>> headers) {
        String message = "All " + attempts + " attempt(s) for '" + route.name() + "' failed; last: provider '"
                + last.provider() + "' (model " + last.model() + ") failed with " + outcome.describe();
        LOGGER.warnf("route '%s': %s", route.name(), message);
        if (outcome instanceof Outcome.Throttled throttled) {
            if (throttled.retryAfter() != null && !throttled.retryAfter().isBlank()) {
                headers.put("Retry-After", List.of(throttled.retryAfter().strip()));
            }
            return ProxyResponse.error(429, message, "rate_limit_error", "rate_limited", headers);
        }
        boolean timeout = outcome instanceof Outcome.Failed failed && failed.kind() == FailureKind.TIMEOUT;
        boolean malformed = outcome instanceof Outcome.Failed failed && failed.kind() == FailureKind.MALFORMED;
        return ProxyResponse.error(timeout ? 504 : 502, message, OpenAiErrors.UPSTREAM,
                timeout ? "upstream_timeout" : malformed ? "upstream_malformed" : "upstream_error", headers);
    }
}
