package dev.switchboard.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Route;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.model.Target;
import dev.switchboard.model.Tenancy;
import dev.switchboard.model.Tenant;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.InvalidRequestException;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.RequestBody;
import dev.switchboard.resilience.FailureKind;
import dev.switchboard.resilience.ProviderGuard;
import dev.switchboard.resilience.ProviderHealth;
import dev.switchboard.schema.openai.ModelList;
import dev.switchboard.strategy.RequestTraits;
import dev.switchboard.strategy.TargetStats;
import io.smallrye.mutiny.Uni;

/**
 * Routes one request: resolves its model to a route, asks the route's strategy for an attempt plan, and walks it until
 * an attempt succeeds, returns an answer that must go back to the caller (a 4xx), or the attempt budget runs out.
 * Failover happens only before the first byte reaches the caller. Non-blocking; thread-safe.
 */
@ApplicationScoped
public class Router {

    public static final String HEADER_PROVIDER = "x-switchboard-provider";
    public static final String HEADER_MODEL = "x-switchboard-model";
    public static final String HEADER_ATTEMPTS = "x-switchboard-attempts";
    /** {@code high} makes a request complex, {@code low} simple, whatever its size. */
    public static final String HEADER_PRIORITY = "x-switchboard-priority";

    private static final Logger LOGGER = Logger.getLogger(Router.class);

    /** Present when the target has a price: the answer's cost in USD (non-streaming answers). */
    public static final String HEADER_COST = "x-switchboard-cost-usd";

    private final PolicyState policies;
    private final UsageLedger usage;
    private final Metrics metrics;

    public Router(PolicyState policies, UsageLedger usage, Metrics metrics) {
        this.policies = policies;
        this.usage = usage;
        this.metrics = metrics;
    }

    /**
     * Routes a raw request body for an endpoint; the {@code Uni} always resolves to a response, never fails.
     *
     * @param headers the caller's headers (tenant, priority, session affinity)
     */
    public Uni<ProxyResponse> route(Endpoint endpoint, byte[] body, RequestHeaders headers) {
        try {
            RequestBody request = RequestBody.parse(body);
            ActivePolicy policy = policies.current().orElseThrow(() -> new Refusal(OpenAiErrors.response(503,
                    "no routing policy is loaded yet", OpenAiErrors.SERVER, "policy_not_loaded", Map.of())));
            RoutingTable table = policy.table();
            Tenant tenant = tenant(table, headers);
            Route route = resolve(table, tenant, request.model());
            RouteRuntime runtime = policy.runtime(route);
            String routeTag = runtime == policy.routes().get(route.name()) ? route.name() : Metrics.PINNED;
            metrics.request(routeTag);
            RequestTraits traits = traits(request, route, headers);
            List<Target> candidates;
            try {
                candidates = candidates(route, tenant, traits);
            } catch (Refusal refusal) {
                metrics.strategyFailure(routeTag, refusal.response.status() == 403 ? "tenant" : "context_window");
                throw refusal;
            }
            String session = session(route, request, headers);
            List<Target> plan = runtime.plan(candidates, traits, session);
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debugf("route '%s' (%s%s): plan %s, prompt ~%d tokens, %s", route.name(),
                        runtime.strategyName(), tenant != null ? ", tenant " + tenant.name() : "", plan,
                        traits.promptTokens(), traits.complex() ? "complex" : "simple");
            }
            return new Call(policy, runtime, endpoint, request, plan, session, usage, metrics, routeTag).next()
                    .onFailure().recoverWithItem(failure -> {
                        LOGGER.errorf(failure, "unexpected failure routing a request for '%s'", route.name());
                        return OpenAiErrors.response(500, "internal error while routing the request",
                                OpenAiErrors.SERVER, "internal_error", Map.of());
                    });
        } catch (InvalidRequestException e) {
            return Uni.createFrom().item(OpenAiErrors.response(400, e.getMessage(), OpenAiErrors.INVALID_REQUEST,
                    e.code(), Map.of()));
        } catch (Refusal refusal) {
            return Uni.createFrom().item(refusal.response);
        }
    }

    /** {@code GET /v1/models}: the route aliases the calling tenant may use, in policy order. */
    public ProxyResponse models(RequestHeaders headers) {
        try {
            ActivePolicy policy = policies.current().orElseThrow(() -> new Refusal(OpenAiErrors.response(503,
                    "no routing policy is loaded yet", OpenAiErrors.SERVER, "policy_not_loaded", Map.of())));
            Tenant tenant = tenant(policy.table(), headers);
            long created = policy.loadedAt().getEpochSecond();
            List<ModelList.Model> models = policy.table().routes().values().stream()
                    .filter(r -> tenant == null || tenant.allowsModel(r.name()) && r.targets().stream()
                            .anyMatch(t -> tenant.allowsProvider(t.provider())))
                    .map(r -> ModelList.Model.of(r.name(), created, "switchboard"))
                    .toList();
            return ProxyResponse.json(200, Map.of("Content-Type", List.of("application/json")),
                    OpenAiErrors.json(ModelList.of(models)));
        } catch (Refusal refusal) {
            return refusal.response;
        }
    }

    /** The caller's tenant, or null when the policy defines no tenants. */
    private static Tenant tenant(RoutingTable table, RequestHeaders headers) {
        Tenancy tenancy = table.tenancy();
        if (!tenancy.enabled()) {
            return null;
        }
        String name = headers.get(tenancy.header());
        if (name == null || name.isBlank()) {
            name = tenancy.defaultTenant();
            if (name == null) {
                throw refused(403, "Requests must name their tenant in the '" + tenancy.header() + "' header.",
                        "tenant_required");
            }
        }
        Tenant tenant = tenancy.tenants().get(name.strip());
        if (tenant == null) {
            throw refused(403, "Unknown tenant '" + name + "'.", "tenant_not_allowed");
        }
        return tenant;
    }

    /** The route for {@code model}: an alias, a provider/model pin, or the default route. */
    private static Route resolve(RoutingTable table, Tenant tenant, String model) {
        Route route = table.route(model).orElse(null);
        String used = model;
        if (route == null) {
            route = table.pin(model).orElse(null);
            if (route != null && (!table.allowPinning() || tenant != null && !tenant.allowPinning())) {
                throw refused(403, "Pinning a provider with '" + model + "' is not allowed"
                        + (tenant != null ? " for tenant '" + tenant.name() + "'" : "") + "; use a route alias.",
                        "pinning_not_allowed");
            }
        }
        if (route == null && table.defaultRoute() != null) {
            route = table.routes().get(table.defaultRoute());
            used = route.name();
            LOGGER.debugf("model '%s' matches no route: using default-route '%s'", model, used);
        }
        if (route == null) {
            throw new Refusal(OpenAiErrors.response(404, "The model '" + model
                    + "' does not exist: it is neither a route of the policy (" + String.join(", ", table.routes().keySet())
                    + ") nor provider/model with a configured provider.", OpenAiErrors.INVALID_REQUEST,
                    "model_not_found", Map.of()));
        }
        if (tenant != null && !tenant.allowsModel(used)) {
            throw refused(403, "Tenant '" + tenant.name() + "' may not use model '" + used + "'.", "model_not_allowed");
        }
        return route;
    }

    private static RequestTraits traits(RequestBody request, Route route, RequestHeaders headers) {
        int prompt = request.estimatedPromptTokens();
        String priority = headers.get(HEADER_PRIORITY);
        boolean complex;
        if ("high".equalsIgnoreCase(priority)) {
            complex = true;
        } else if ("low".equalsIgnoreCase(priority)) {
            complex = false;
        } else {
            complex = request.hasTools() || prompt > route.options().complexityThreshold();
        }
        return new RequestTraits(prompt, request.maxTokens(), complex);
    }

    /** The route's targets this request may use: allowed for the tenant, with a context window that fits. */
    private static List<Target> candidates(Route route, Tenant tenant, RequestTraits traits) {
        List<Target> targets = route.targets();
        if (tenant != null && tenant.allowedProviders() != null) {
            targets = targets.stream().filter(t -> {
                boolean allowed = tenant.allowsProvider(t.provider());
                if (!allowed) {
                    LOGGER.debugf("route '%s': skipping %s, provider not allowed for tenant '%s'", route.name(), t,
                            tenant.name());
                }
                return allowed;
            }).toList();
            if (targets.isEmpty()) {
                throw refused(403, "Tenant '" + tenant.name() + "' may use none of the providers of '" + route.name()
                        + "'.", "provider_not_allowed");
            }
        }
        int needed = traits.promptTokens() + traits.maxTokens();
        boolean allFit = true;
        for (Target t : targets) {
            allFit &= t.fits(needed);
        }
        if (!allFit) {
            targets = targets.stream().filter(t -> {
                boolean fits = t.fits(needed);
                if (!fits) {
                    LOGGER.debugf("route '%s': skipping %s, context window %d < ~%d tokens", route.name(), t,
                            t.contextWindow(), needed);
                }
                return fits;
            }).toList();
            if (targets.isEmpty()) {
                throw new Refusal(OpenAiErrors.response(400, "The request needs about " + needed
                        + " tokens (prompt + max_tokens), more than the context window of every target of '"
                        + route.name() + "'.", OpenAiErrors.INVALID_REQUEST, "context_length_exceeded", Map.of()));
            }
        }
        return targets;
    }

    /** The session-affinity key, or null. */
    private static String session(Route route, RequestBody request, RequestHeaders headers) {
        Route.Affinity affinity = route.options().affinity();
        if (affinity == null) {
            return null;
        }
        String key = affinity.header() != null ? headers.get(affinity.header()) : request.user();
        return key == null || key.isBlank() ? null : key;
    }

    private static Refusal refused(int status, String message, String code) {
        return new Refusal(OpenAiErrors.response(status, message, OpenAiErrors.INVALID_REQUEST, code, Map.of()));
    }

    /** A request refused before any attempt, with the answer to give. */
    private static final class Refusal extends RuntimeException {
        private final ProxyResponse response;

        Refusal(ProxyResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** The state of one request's walk along its plan. Used from one attempt at a time, never concurrently. */
    private static final class Call {
        private final ActivePolicy policy;
        private final RouteRuntime runtime;
        private final Endpoint endpoint;
        private final RequestBody request;
        private final Route route;
        private final List<Target> plan;
        private final String session;
        private final UsageLedger usage;
        private final Metrics metrics;
        private final String routeTag;
        private final boolean[] tried;
        private int attempts;
        private int cursor;
        private String lastFailure;
        private FailureKind lastKind;
        private Target lastTarget;

        Call(ActivePolicy policy, RouteRuntime runtime, Endpoint endpoint, RequestBody request, List<Target> plan,
                String session, UsageLedger usage, Metrics metrics, String routeTag) {
            this.usage = usage;
            this.metrics = metrics;
            this.routeTag = routeTag;
            this.policy = policy;
            this.runtime = runtime;
            this.endpoint = endpoint;
            this.request = request;
            this.route = runtime.route();
            this.plan = plan;
            this.session = session;
            this.tried = new boolean[plan.size()];
        }

        Uni<ProxyResponse> next() {
            return next(0);
        }

        /**
         * Walks the plan (round and round while attempts remain). A target whose guard refuses is skipped without any
         * network I/O and costs no attempt; a whole round of refusals means nothing is available.
         */
        private Uni<ProxyResponse> next(int refused) {
            if (attempts >= route.maxAttempts() || refused >= plan.size()) {
                if (lastKind != null) {
                    metrics.fallback(routeTag, lastTarget.provider(), "none", reasonTag(lastKind));
                }
                return Uni.createFrom().item(attempts == 0 ? unavailable() : exhausted());
            }
            int position = cursor++ % plan.size();
            Target target = plan.get(position);
            ProviderState state = policy.state(target.provider());
            return state.guard().admit().onItem().transformToUni(permit -> {
                if (permit.isEmpty()) {
                    LOGGER.debugf("route '%s': skipping %s, provider %s", route.name(), target, state.status());
                    return next(refused + 1);
                }
                boolean repeat = tried[position];
                tried[position] = true;
                if (lastKind != null) {
                    metrics.fallback(routeTag, lastTarget.provider(), target.provider(), reasonTag(lastKind));
                }
                metrics.selected(routeTag, target.provider(), modelTag(target));
                return attempt(target, state, permit.get(), repeat);
            });
        }

        private Uni<ProxyResponse> attempt(Target target, ProviderState state, ProviderGuard.Permit permit,
                boolean repeat) {
            attempts++;
            lastTarget = target;
            Provider provider = policy.provider(target.provider());
            Attempt attempt = new Attempt(endpoint, request, target.model(), target.maxTokens());
            TargetStats stats = runtime.stats(target);
            ProviderHealth health = state.health();
            long[] started = new long[1];
            AtomicBoolean settled = new AtomicBoolean();
            Uni<Reply> reply = Uni.createFrom().deferred(() -> {
                stats.begin();
                health.begin();
                started[0] = System.nanoTime();
                return provider.send(attempt);
            });
            Duration backoff = route.backoff();
            if (repeat && !backoff.isZero()) {
                reply = Uni.createFrom().voidItem().onItem().delayIt().by(backoff).replaceWith(reply);
            }
            return reply.onItemOrFailure().transformToUni((answer, failure) -> {
                settled.set(true);
                long elapsed = System.nanoTime() - started[0];
                if (failure != null) {
                    stats.complete(false, elapsed);
                    health.end();
                    permit.failure();
                    FailureKind kind = FailureKind.of(failure);
                    metrics.attempt(target.provider(), modelTag(target), reasonTag(kind), Duration.ofNanos(elapsed),
                            attempt.stream());
                    String reason = kind.description() + ": " + describe(failure);
                    health.failed(reason);
                    return failOver(target, kind, reason);
                }
                if (answer instanceof Reply.Stream stream) {
                    metrics.attempt(target.provider(), modelTag(target), "success", Duration.ofNanos(elapsed), true);
                    stats.firstToken(elapsed);
                    health.answered(elapsed, true);
                    permit.success();
                    runtime.succeeded(session, target);
                    StreamMeter meter = new StreamMeter(usage, target, request.estimatedPromptTokens(),
                            used -> metrics.tokens(target.provider(), modelTag(target), used.promptTokens(),
                                    used.completionTokens()));
                    meter.see(stream.first());
                    return Uni.createFrom().item(new ProxyResponse(200, streamHeaders(target),
                            StreamRelay.relay(stream.first(), stream.rest().onItem().invoke(meter::see),
                                    target.toString())
                                    .onTermination().invoke(() -> {
                                        meter.end();
                                        stats.release();
                                        health.end();
                                    })));
                }
                Reply.Complete complete = (Reply.Complete) answer;
                health.end();
                boolean failsOver = FailureKind.failsOver(complete.status());
                metrics.attempt(target.provider(), modelTag(target), statusTag(complete.status()),
                        Duration.ofNanos(elapsed), false);
                stats.complete(!failsOver, elapsed);
                if (complete.status() == 429) {
                    // throttling: pause the provider, but it is not broken
                    permit.neutral();
                    state.guard().throttled(complete.retryAfter());
                } else if (failsOver) {
                    permit.failure();
                } else {
                    // answers, including the caller's own 4xx, show a working provider
                    permit.success();
                }
                if (failsOver) {
                    String reason = "HTTP " + complete.status() + ": " + OpenAiErrors.summarize(complete.body());
                    health.failed(reason);
                    return failOver(target, FailureKind.STATUS, reason);
                }
                health.answered(elapsed, false);
                Map<String, List<String>> headers = jsonHeaders(target, complete.contentType());
                if (complete.status() < 400) {
                    runtime.succeeded(session, target);
                    UsageLedger.Usage used = UsageLedger.scan(complete.body());
                    if (used == null) {
                        used = new UsageLedger.Usage(request.estimatedPromptTokens(), complete.body().length / 4, true);
                    }
                    BigDecimal cost = usage.record(target, used);
                    metrics.tokens(target.provider(), modelTag(target), used.promptTokens(), used.completionTokens());
                    if (cost != null) {
                        headers.put(HEADER_COST, List.of(cost.stripTrailingZeros().toPlainString()));
                    }
                }
                return Uni.createFrom().item(ProxyResponse.json(complete.status(), headers, complete.body()));
            }).onCancellation().invoke(() -> {
                // the caller went away while this attempt was in flight: neutral for the breaker
                if (settled.compareAndSet(false, true)) {
                    permit.neutral();
                    if (started[0] != 0) {
                        stats.release();
                        health.end();
                    }
                }
            });
        }

        /** The model tag: the policy's model id, or {@code (pinned)} for a caller-chosen one. */
        private String modelTag(Target target) {
            return routeTag.equals(Metrics.PINNED) ? Metrics.PINNED : target.model();
        }

        private static String reasonTag(FailureKind kind) {
            return switch (kind) {
                case CONNECT -> "connect";
                case TIMEOUT -> "timeout";
                case BROKEN -> "broken";
                case STATUS -> "5xx";
            };
        }

        private static String statusTag(int status) {
            if (status == 429) {
                return "429";
            }
            if (status >= 500) {
                return "5xx";
            }
            return status >= 400 ? "4xx" : "success";
        }

        /** Every target of the plan was refused by its guard: 503 with the earliest time one may be tried again. */
        private ProxyResponse unavailable() {
            metrics.noAvailableProvider(routeTag);
            long wait = Long.MAX_VALUE;
            List<String> states = new java.util.ArrayList<>();
            for (Target target : plan) {
                ProviderState state = policy.state(target.provider());
                wait = Math.min(wait, state.guard().availableIn().toMillis());
                states.add(target.provider() + " " + state.status());
            }
            long seconds = Math.max(1, (wait + 999) / 1000);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Retry-After", List.of(Long.toString(seconds)));
            headers.put(HEADER_ATTEMPTS, List.of("0"));
            String message = "No provider of '" + route.name() + "' is available now (" + String.join(", ", states)
                    + "); retry in " + seconds + "s.";
            LOGGER.warnf("route '%s': %s", route.name(), message);
            return OpenAiErrors.response(503, message, OpenAiErrors.UPSTREAM, "no_available_provider", headers);
        }

        private Uni<ProxyResponse> failOver(Target target, FailureKind kind, String reason) {
            lastKind = kind;
            lastFailure = "provider '" + target.provider() + "' (model " + target.model() + ") failed with " + reason;
            LOGGER.debugf("route '%s' attempt %d: %s", route.name(), attempts, lastFailure);
            return next();
        }

        private ProxyResponse exhausted() {
            boolean timeout = lastKind == FailureKind.TIMEOUT;
            String message = "All " + attempts + " attempt(s) for '" + route.name() + "' failed; last: " + lastFailure;
            LOGGER.warnf("route '%s': %s", route.name(), message);
            return OpenAiErrors.response(timeout ? 504 : 502, message, OpenAiErrors.UPSTREAM,
                    timeout ? "upstream_timeout" : "upstream_error", baseHeaders(lastTarget));
        }

        private Map<String, List<String>> baseHeaders(Target target) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put(HEADER_PROVIDER, List.of(target.provider()));
            headers.put(HEADER_MODEL, List.of(target.model()));
            headers.put(HEADER_ATTEMPTS, List.of(Integer.toString(attempts)));
            return headers;
        }

        private Map<String, List<String>> jsonHeaders(Target target, String contentType) {
            Map<String, List<String>> headers = baseHeaders(target);
            headers.put("Content-Type", List.of(contentType != null ? contentType : "application/json"));
            return headers;
        }

        private Map<String, List<String>> streamHeaders(Target target) {
            Map<String, List<String>> headers = baseHeaders(target);
            headers.put("Content-Type", List.of("text/event-stream; charset=utf-8"));
            headers.put("Cache-Control", List.of("no-cache"));
            headers.put("X-Accel-Buffering", List.of("no"));
            return headers;
        }

        private static String describe(Throwable failure) {
            Throwable cause = FailureKind.unwrap(failure);
            String message = cause.getMessage();
            return cause.getClass().getSimpleName() + (message != null ? " (" + message + ")" : "");
        }
    }
}
