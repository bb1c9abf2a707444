package dev.switchboard.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Every meter Switchboard publishes, with its name and tags, following the OpenTelemetry GenAI conventions where
 * they exist ({@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.duration}). Tag values are bounded:
 * only route, provider and model names from the policy ({@code (pinned)} stands for the caller-chosen model of a
 * {@code provider/model} request), and fixed words for outcomes and reasons. Thread-safe.
 */
@ApplicationScoped
public class Metrics extends StateMeters {

    public static final String ROUTING_REQUESTS = "switchboard.routing.requests";
    public static final String ROUTING_TARGET_SELECTED = "switchboard.routing.target.selected";
    public static final String ROUTING_FALLBACKS = "switchboard.routing.fallbacks";
    public static final String ROUTING_NO_AVAILABLE_PROVIDER = "switchboard.routing.no.available.provider";
    public static final String ROUTING_HEALTH_CHECK_FAILURES = "switchboard.routing.health.check.failures";
    public static final String ROUTING_STRATEGY_FAILURES = "switchboard.routing.strategy.failures";
    public static final String PROVIDER_ATTEMPTS = "switchboard.provider.attempts";
    public static final String PROVIDER_IN_FLIGHT = "switchboard.provider.in.flight";
    public static final String PROVIDER_BREAKER_STATE = "switchboard.provider.breaker.state";
    public static final String PROVIDER_CONCURRENCY_LIMIT = "switchboard.provider.concurrency.limit";
    public static final String PROVIDER_RATELIMIT_REMAINING = "switchboard.provider.ratelimit.remaining";
    public static final String ROUTING_RATELIMIT_SKIPS = "switchboard.routing.ratelimit.skips";
    public static final String DRILL_ACTIVE = "switchboard.drill.active";
    public static final String ROUTING_HEDGES = "switchboard.routing.hedges";
    public static final String LIMITS_STORE_UP = "switchboard.limits.store.up";
    public static final String LIMITS_STORE_FALLBACKS = "switchboard.limits.store.fallbacks";
    public static final String LIMITS_REFUSED = "switchboard.limits.refused";
    public static final String BUDGET_WARNINGS = "switchboard.budget.warnings";
    public static final String COST = "switchboard.cost.usd";
    public static final String ROUTE_COST = "switchboard.route.cost.usd";
    public static final String REQUESTS_SHED = "switchboard.requests.shed";
    public static final String REQUESTS_IN_FLIGHT = "switchboard.requests.in.flight";
    public static final String POLICY_RELOADS = "switchboard.policy.reloads";
    public static final String POLICY_LOADED = "switchboard.policy.loaded.timestamp";
    public static final String POLICY_FILE_READABLE = "switchboard.policy.file.readable";
    public static final String GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration";
    public static final String GEN_AI_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

    /** The model tag of requests that pin a provider with a caller-chosen model. */
    public static final String PINNED = "(pinned)";

    /*
     * Explicit bucket sets, each a subset of the OpenTelemetry GenAI conventions' advice, so these series aggregate with
     * other instruments that follow it on the bounds they share. Subsets, to keep the scrape of a policy with eight
     * provider-model pairs under 100 KB (ScrapeBudgetIT): every bucket costs a line of about 200 bytes per series.
     */
    /**
     * {@code gen_ai.client.operation.duration}, in seconds: the advice's bounds from 80 ms to 41 s (a whole answer in
     * under 80 ms is one bucket, one past 41 s is +Inf).
     */
    static final Duration[] DURATION_BUCKETS = seconds(0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96);
    /** {@code gen_ai.client.operation.time_to_first_chunk}, in seconds: the advice's bounds from 40 ms to 10 s. */
    static final Duration[] FIRST_CHUNK_BUCKETS = seconds(0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24);
    /**
     * {@code gen_ai.client.token.usage}: the advice's bounds from 16 to 2^20 tokens (an answer of 1 to 16 tokens is
     * one bucket; the advice's 4M to 67M are past every model's context window).
     */
    static final double[] TOKEN_BUCKETS = { 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576 };

    /**
     * The per-request meters, found by their name and tag values: a registry lookup builds, sorts and filters the
     * tags on every call, which showed in the request path's profile.
     */
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Key, DistributionSummary> summaries = new ConcurrentHashMap<>();

    public Metrics(MeterRegistry registry) {
        super(registry);
    }

    /**
     * Both reload results exist from the start, at 0: a counter born at 1 by its first increment never shows in
     * {@code increase()}, so a first failed reload would go unseen on a dashboard or in an alert.
     */
    void registerAtZero(@Observes StartupEvent event) {
        for (String result : List.of("success", "failure")) {
            Counter.builder(POLICY_RELOADS).description("Policy loads by result").tag("result", result)
                    .register(registry);
        }
    }

    public void request(String route) {
        counter(new Key(ROUTING_REQUESTS, route, null, null, null),
                k -> Counter.builder(ROUTING_REQUESTS).description("Requests routed, by route").tag("route", route))
                .increment();
    }

    public void selected(String route, String provider, String model) {
        counter(new Key(ROUTING_TARGET_SELECTED, route, provider, model, null),
                k -> Counter.builder(ROUTING_TARGET_SELECTED).description("Attempts sent to a target, by route")
                        .tags("route", route, "provider", provider, "model", model))
                .increment();
    }

    /** A request moved on from one provider to another ({@code to} is {@code none} when nothing was left). */
    public void fallback(String route, String from, String to, String reason) {
        counter(new Key(ROUTING_FALLBACKS, route, from, to, reason),
                k -> Counter.builder(ROUTING_FALLBACKS).description("Failovers from one provider to the next")
                        .tags("route", route, "from", from, "to", to, "reason", reason))
                .increment();
    }

    public void noAvailableProvider(String route) {
        Counter.builder(ROUTING_NO_AVAILABLE_PROVIDER).description("Requests refused because every target was skipped")
                .tag("route", route).register(registry).increment();
    }

    public void healthCheckFailure(String provider) {
        Counter.builder(ROUTING_HEALTH_CHECK_FAILURES).description("Failed active probes").tag("provider", provider)
                .register(registry).increment();
    }

    /** The strategy could not build a plan: {@code reason} is tenant or context_window. */
    public void strategyFailure(String route, String reason) {
        Counter.builder(ROUTING_STRATEGY_FAILURES).description("Requests for which no target could be planned")
                .tags("route", route, "reason", reason).register(registry).increment();
    }

    /**
     * One attempt ended.
     *
     * @param outcome success, 4xx, 429, 5xx, timeout, connect, broken or malformed
     * @param duration the whole attempt: to the answer, or for a stream to its last event
     * @param responseModel the model the provider said answered, or null when it did not say
     */
    public void attempt(String provider, String model, String outcome, Duration duration, GenAi genAi,
            String responseModel) {
        counter(new Key(PROVIDER_ATTEMPTS, provider, model, outcome, null),
                k -> Counter.builder(PROVIDER_ATTEMPTS).description("Attempts by outcome")
                        .tags("provider", provider, "model", model, "outcome", outcome))
                .increment();
        // error.type only on failures: Prometheus needs one set of label names per metric, and an empty value is an
        // absent label there; a 4xx answer is the provider's answer, not a failure of the operation
        String error = "success".equals(outcome) || "4xx".equals(outcome) ? "" : outcome;
        String answered = responseModel == null ? "" : responseModel;
        timer(new Key(GEN_AI_OPERATION_DURATION, genAi, model, error, answered),
                k -> Timer.builder(GEN_AI_OPERATION_DURATION).description("GenAI operation duration")
                        .tags(genAiTags(genAi, model)).tags("gen_ai.response.model", answered, "error.type", error)
                        .serviceLevelObjectives(DURATION_BUCKETS))
                .record(duration);
    }

    /**
     * The conventions' attributes of every GenAI meter, with the request model as tagged ({@code (pinned)}). Not
     * {@code server.address}: it follows from {@code switchboard.provider} (one base URL per provider), and on every
     * bucket line of every series it cost an eighth of the scrape; the spans carry it.
     */
    private static Tags genAiTags(GenAi genAi, String model) {
        return Tags.of("gen_ai.operation.name", genAi.operation(), "gen_ai.provider.name", genAi.system(),
                "switchboard.provider", genAi.provider(), "gen_ai.request.model", model);
    }

    /** A stream's first event arrived after {@code duration}. */
    public void firstToken(String model, Duration duration, GenAi genAi) {
        timer(new Key(GEN_AI_TIME_TO_FIRST_CHUNK, genAi, model, null, null),
                k -> Timer.builder(GEN_AI_TIME_TO_FIRST_CHUNK).description("Time to the first chunk of a stream")
                        .tags(genAiTags(genAi, model)).serviceLevelObjectives(FIRST_CHUNK_BUCKETS))
                .record(duration);
    }

    /** Tokens of one answer. */
    public void tokens(String model, GenAi genAi, long input, long output) {
        summary(genAi, model, "input").record((double) input);
        if (!"embeddings".equals(genAi.operation())) {
            // an embedding has no output tokens: a series of zeros would only cost scrape size
            summary(genAi, model, "output").record((double) output);
        }
    }

    private DistributionSummary summary(GenAi genAi, String model, String type) {
        Key key = new Key(GEN_AI_TOKEN_USAGE, genAi, model, type, null);
        DistributionSummary summary = summaries.get(key);
        return summary != null ? summary
                : summaries.computeIfAbsent(key, k -> DistributionSummary
                        .builder(GEN_AI_TOKEN_USAGE).description("Tokens used per request")
                        .tags(genAiTags(genAi, model)).tags("gen_ai.token.type", type)
                        .serviceLevelObjectives(TOKEN_BUCKETS).register(registry));
    }

    /** The cost in USD of one answer on a route (priced targets only). */
    public void routeCost(String route, double usd) {
        counter(new Key(ROUTE_COST, route, null, null, null),
                k -> Counter.builder(ROUTE_COST).description("Estimated cost in USD by route").tags("route", route))
                .increment(usd);
    }

    /**
     * First-token hedging on a route: {@code event} is {@code started} (the provider is the hedge's), {@code won} (the
     * provider whose answer went back, after a hedge started) or {@code cancelled} (the provider of the losing attempt).
     */
    public void hedge(String route, String provider, String event) {
        counter(new Key(ROUTING_HEDGES, route, provider, event, null),
                k -> Counter.builder(ROUTING_HEDGES).description("First-token hedges by route, provider and event")
                        .tags("route", route, "provider", provider, "event", event))
                .increment();
    }

    /** A target was skipped because its provider's reported rate-limit budget is spent. */
    public void rateLimitSkip(String provider) {
        counter(new Key(ROUTING_RATELIMIT_SKIPS, provider, null, null, null),
                k -> Counter.builder(ROUTING_RATELIMIT_SKIPS)
                        .description("Targets skipped because their provider reported its rate-limit budget spent")
                        .tag("provider", provider))
                .increment();
    }

    /** A shared limit refused a request or a target: {@code limit} is budget or quota. */
    public void limitRefused(String limit, String name) {
        counter(new Key(LIMITS_REFUSED, limit, name, null, null),
                k -> Counter.builder(LIMITS_REFUSED)
                        .description("Requests (budget) or targets (quota) refused by a shared limit")
                        .tags("limit", limit, "name", name))
                .increment();
    }

    /** A tenant passed the soft limit ({@code warn-at}) of its budget. */
    public void budgetWarning(String tenant) {
        counter(new Key(BUDGET_WARNINGS, tenant, null, null, null),
                k -> Counter.builder(BUDGET_WARNINGS).description("Answers past the soft limit of a tenant's budget")
                        .tag("tenant", tenant))
                .increment();
    }

    /** A request answered 503 overloaded at once: in_flight, body_bytes or provider_concurrency. */
    public void shed(String reason) {
        counter(new Key(REQUESTS_SHED, reason, null, null, null),
                k -> Counter.builder(REQUESTS_SHED).description("Requests shed with 503 overloaded, by the bound they hit")
                        .tag("reason", reason))
                .increment();
    }

    public void reload(boolean success) {
        Counter.builder(POLICY_RELOADS).description("Policy loads by result").tag("result", success ? "success" : "failure")
                .register(registry).increment();
    }

    /** A meter's name and up to four tag values (or their source, such as a {@link GenAi}), in builder order. */
    private record Key(String name, Object a, String b, String c, String d) {
    }

    private Counter counter(Key key, Function<Key, Counter.Builder> builder) {
        Counter counter = counters.get(key);
        return counter != null ? counter : counters.computeIfAbsent(key, k -> builder.apply(k).register(registry));
    }

    private Timer timer(Key key, Function<Key, Timer.Builder> builder) {
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, k -> builder.apply(k).register(registry));
    }

    private static Duration[] seconds(double... bounds) {
        Duration[] durations = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return durations;
    }

    /**
     * Removes the meters that read this application's state: the registry Quarkus injects is the process-wide
     * composite, and a gauge left there would keep reading a stopped application's state.
     */
    void onStop(@Observes ShutdownEvent event) {
        removeStateMeters();
        counters.clear();
        timers.clear();
        summaries.clear();
    }
}
