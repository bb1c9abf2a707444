package dev.switchboard.routing;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.switchboard.metrics.GenAi;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.Target;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.resilience.ProviderGuard;
import dev.switchboard.resilience.ProviderHealth;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.Usage;
import dev.switchboard.strategy.TargetStats;
import dev.switchboard.usage.UsageLedger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

/**
 * Everything one attempt touches, settled exactly once by its {@link Outcome}: the breaker permit, the target's
 * statistics, the provider's passive health and in-flight count, and the attempt meters. A JSON attempt settles when
 * its answer arrives; a stream when its last event passed, it broke, stalled or carried a malformed event, or the
 * caller went away, so a provider whose streams break counts as failing like one that answers 503. Later settlements
 * are ignored. Thread-safe.
 */
final class AttemptScope {

    /** Each provider's host, parsed once from its base URL (a handful per policy), not on every attempt. */
    private static final Map<String, String> HOSTS = new ConcurrentHashMap<>();

    private final Target target;
    private final ProviderState state;
    private final ProviderGuard.Permit permit;
    private final TargetStats stats;
    private final Metrics metrics;
    private final UsageLedger usage;
    private final String modelTag;
    private final GenAi genAi;
    private final String routeTag;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The model the provider said answered, once known. */
    private volatile String responseModel;
    private final Tracing tracing;
    private final Context parent;
    private final int number;
    /** The attempt's span, once it went out. */
    private volatile Span span;
    private volatile long started;
    /** Nanoseconds to a stream's first event, or -1 while none arrived. */
    private volatile long firstEvent = -1;

    AttemptScope(Target target, ProviderState state, ProviderGuard.Permit permit, TargetStats stats, Metrics metrics,
            UsageLedger usage, String modelTag, Endpoint endpoint, String routeTag, Tracing tracing, Context parent,
            int number) {
        this.target = target;
        this.state = state;
        this.permit = permit;
        this.stats = stats;
        this.metrics = metrics;
        this.usage = usage;
        this.modelTag = modelTag;
        this.genAi = genAi(endpoint, state.spec(), modelTag);
        this.routeTag = routeTag;
        this.tracing = tracing;
        this.parent = parent;
        this.number = number;
    }

    private static GenAi genAi(Endpoint endpoint, ProviderSpec spec, String modelTag) {
        String operation = switch (endpoint) {
            case CHAT -> "chat";
            case COMPLETIONS -> "text_completion";
            case EMBEDDINGS -> "embeddings";
        };
        String host = spec.baseUrl() == null ? "localhost"
                : HOSTS.computeIfAbsent(spec.baseUrl(), url -> {
                    String parsed = URI.create(url).getHost();
                    return parsed == null ? "" : parsed;
                });
        return new GenAi(operation, GenAi.system(spec.type()), spec.name(), modelTag, host);
    }

    /** The provider said which model answered (it may name a dated version of the one asked for). */
    void answeredBy(Usage reported) {
        answeredBy(reported, null);
    }

    /**
     * As {@link #answeredBy(Usage)}, for a stream: its usage names the model when the provider sent usage, else its
     * first event does ({@code firstEventModel}), so a stream's meters carry the same response model as a JSON answer.
     */
    void answeredBy(Usage reported, String firstEventModel) {
        if (reported != null && reported.model() != null) {
            responseModel = reported.model();
        } else if (firstEventModel != null) {
            responseModel = firstEventModel;
        }
        Span attempt = span;
        if (reported != null && attempt != null) {
            attempt.setAttribute("gen_ai.usage.input_tokens", reported.promptTokens());
            attempt.setAttribute("gen_ai.usage.output_tokens", reported.completionTokens());
        }
    }

    /**
     * The attempt goes out now (its slot in the provider's in-flight count was taken when the scope was made, and is
     * released when it is settled).
     */
    void start() {
        stats.begin();
        started = System.nanoTime();
        if (!settled.get()) {
            // a stop that settled the attempt during its backoff leaves nothing to trace
            span = tracing.attempt(parent, genAi, number);
        }
    }

    /** A stream's first event arrived: its time to first token. The stream's verdict comes when it ends. */
    void firstEvent() {
        long elapsed = System.nanoTime() - started;
        firstEvent = elapsed;
        stats.firstToken(elapsed);
        metrics.firstToken(modelTag, Duration.ofNanos(elapsed), genAi);
    }

    /** Settles the attempt with {@code outcome}; only the first call counts. */
    void settle(Outcome outcome) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        outcome.settle(state.guard(), permit);
        end(outcome);
        ProviderHealth health = state.health();
        boolean streamed = firstEvent >= 0;
        if (state.adaptive() != null && started != 0) {
            if (outcome instanceof Outcome.Throttled) {
                state.adaptive().throttled(started);
            } else if (outcome instanceof Outcome.Answered) {
                state.adaptive().succeeded(started, firstEvent, health.inFlight());
            }
        }
        health.end();
        if (started == 0) {
            return;
        }
        long elapsed = System.nanoTime() - started;
        if (outcome instanceof Outcome.Abandoned) {
            stats.release();
            metrics.attempt(target.provider(), modelTag, outcome.tag(), Duration.ofNanos(elapsed), genAi,
                    answeringModel());
            return;
        }
        boolean success = outcome instanceof Outcome.Answered;
        if (streamed) {
            stats.streamEnded(success);
        } else {
            stats.complete(success, elapsed);
        }
        if (success) {
            health.answered(streamed ? firstEvent : elapsed, streamed);
        } else {
            health.failed(outcome.describe());
        }
        metrics.attempt(target.provider(), modelTag, outcome.tag(), Duration.ofNanos(elapsed), genAi,
                answeringModel());
    }

    /** The response model as a label: {@code (pinned)} for a caller-chosen model, so its values stay bounded. */
    private String answeringModel() {
        return Metrics.PINNED.equals(modelTag) ? Metrics.PINNED : responseModel;
    }

    /** Ends the attempt's span: the response model, and on a failure its error type and reason. */
    private void end(Outcome outcome) {
        Span attempt = span;
        if (attempt == null) {
            return;
        }
        if (responseModel != null) {
            attempt.setAttribute("gen_ai.response.model", responseModel);
        }
        if (!(outcome instanceof Outcome.Answered answered) || answered.status() >= 400) {
            attempt.setAttribute("error.type", outcome.tag());
            attempt.setAttribute("switchboard.failure", outcome.describe());
            attempt.setStatus(StatusCode.ERROR, outcome.describe());
        }
        attempt.end();
    }

    /** Counts the answer's tokens and cost; returns the cost in USD, or null when the target has no price. */
    BigDecimal account(Usage used) {
        metrics.tokens(modelTag, genAi, used.promptTokens(), used.completionTokens());
        BigDecimal cost = usage.record(target, used);
        if (cost != null) {
            metrics.routeCost(routeTag, cost.doubleValue());
        }
        return cost;
    }
}
