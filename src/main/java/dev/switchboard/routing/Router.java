package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.lifecycle.Drain;
import dev.switchboard.limits.SharedLimits;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Target;
import dev.switchboard.policy.Admission;
import dev.switchboard.policy.Decision;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.resilience.FailureKind;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.Passthrough;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.RequestHeaders;
import dev.switchboard.schema.openai.ModelList;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.usage.UsageLedger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;

/**
 * Routes one request: parse what routing needs → take the active policy's snapshot → admit (tenant, route,
 * candidates) → plan (the route's strategy) → walk the plan ({@link AttemptLoop}). The answer is always a response,
 * never a failure. Non-blocking; thread-safe.
 */
@ApplicationScoped
public class Router {

    private static final Logger LOGGER = Logger.getLogger(Router.class);

    private final PolicyState policies;
    private final UsageLedger usage;
    private final Metrics metrics;
    private final Drain drain;
    private final Tracing tracing;

    private final Drills drills;
    private final SharedLimits limits;

    public Router(PolicyState policies, UsageLedger usage, Metrics metrics, Drain drain, Tracing tracing,
            Drills drills, SharedLimits limits) {
        this.drills = drills;
        this.limits = limits;
        this.policies = policies;
        this.usage = usage;
        this.metrics = metrics;
        this.drain = drain;
        this.tracing = tracing;
    }

    /**
     * Routes a raw request body for an endpoint; the {@code Uni} always resolves to a response, never fails.
     *
     * @param headers the caller's headers (tenant, priority, session affinity)
     */
    public Uni<ProxyResponse> route(Endpoint endpoint, byte[] body, RequestHeaders headers) {
        return route(endpoint, body, headers, null);
    }

    /**
     * {@link #route(Endpoint, byte[], RequestHeaders)} of a chat request translated from a client schema: attempts to
     * providers that serve that schema natively send the caller's own body instead ({@link Passthrough}).
     */
    public Uni<ProxyResponse> route(Endpoint endpoint, byte[] body, RequestHeaders headers, Passthrough passthrough) {
        RequestBody request;
        try {
            request = RequestBody.parse(body);
        } catch (InvalidRequestException e) {
            return now(ProxyResponse.error(400, e.getMessage(), OpenAiErrors.INVALID_REQUEST, e.code(), Map.of()));
        }
        Duration callerDeadline;
        try {
            callerDeadline = Deadline.callers(headers);
        } catch (InvalidRequestException e) {
            return now(ProxyResponse.error(400, e.getMessage(), OpenAiErrors.INVALID_REQUEST, e.code(), Map.of()));
        }
        ActivePolicy policy = policies.current().orElse(null);
        if (policy == null) {
            return now(notLoaded());
        }
        Decision decision = new Admission(policy.table()).admit(request, headers);
        if (decision instanceof Decision.Refused refused) {
            if (refused.route() != null) {
                metrics.request(refused.route());
                metrics.strategyFailure(refused.route(), refused.reason());
            }
            return now(refusal(refused));
        }
        Decision.Admitted admitted = (Decision.Admitted) decision;
        String routeTag = admitted.pinned() ? Metrics.PINNED : admitted.route().name();
        metrics.request(routeTag);
        RouteRuntime runtime = policy.runtime(admitted.route());
        List<Target> plan = runtime.plan(admitted.candidates(), admitted.traits(), admitted.session());
        if (passthrough != null && passthrough.required()) {
            plan = plan.stream().filter(target -> Provider.serves(policy.state(target.provider()).spec(),
                    passthrough.dialect())
                    && (passthrough.provider() == null || passthrough.provider().equals(target.provider()))).toList();
            if (plan.isEmpty()) {
                return now(ProxyResponse.error(400, "'store: true', 'previous_response_id', 'conversation' and"
                        + " 'background' need a provider that keeps responses ("
                        + (passthrough.provider() != null ? "provider '" + passthrough.provider() + "', which answered"
                                + " the response named" : "an openai provider with responses-api: true")
                        + "), and route '" + admitted.route().name() + "' has no such target: send the whole"
                        + " conversation in 'input' instead.", OpenAiErrors.INVALID_REQUEST, "unsupported_parameter",
                        Map.of()));
            }
        }
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debugf("route '%s' (%s%s): plan %s, prompt ~%d tokens, %s", admitted.route().name(),
                    runtime.strategyName(), admitted.tenant() != null ? ", tenant " + admitted.tenant().name() : "",
                    plan, admitted.traits().promptTokens(), admitted.traits().complex() ? "complex" : "simple");
        }
        Context trace = Context.current();
        Span span = Tracing.request(trace);
        span.setAttribute("switchboard.route", routeTag);
        if (admitted.tenant() != null) {
            span.setAttribute("switchboard.tenant", admitted.tenant().name());
        }
        return new AttemptLoop(policy, runtime, endpoint, request, passthrough, plan, admitted.session(), usage,
                metrics, routeTag, drain.ended(), tracing, trace, callerDeadline, drills,
                new LimitCheck(limits, policy.table().sharedLimits(), admitted.tenant(), metrics,
                        request.estimatedPromptTokens(), request.maxTokens()))
                .run()
                .invoke(answer -> Tracing.answered(span, answer))
                .onFailure().recoverWithItem(failure -> {
                    LOGGER.errorf(failure, "unexpected failure routing a request for '%s'", admitted.route().name());
                    return ProxyResponse.error(500, "internal error while routing the request", OpenAiErrors.SERVER,
                            "internal_error", Map.of());
                });
    }

    /**
     * Who the caller is for state kept on its behalf: its tenant's name, {@code ""} without tenancy, or null when it
     * names no tenant it may use (or no policy is loaded).
     */
    public String owner(RequestHeaders headers) {
        ActivePolicy policy = policies.current().orElse(null);
        return policy == null ? null : new Admission(policy.table()).owner(headers);
    }

    /**
     * A call to an object that provider {@code provider} stores ({@code GET}/{@code DELETE /v1/responses/{id}}),
     * passed to it as it is, with the {@code x-switchboard-provider} header; 404 when the policy has no such provider
     * any more.
     */
    public Uni<ProxyResponse> stored(String provider, HttpMethod method, String path) {
        ActivePolicy policy = policies.current().orElse(null);
        Provider served = policy == null || policy.state(provider) == null ? null : policy.provider(provider);
        if (served == null) {
            return now(ProxyResponse.error(404, "The provider that stored this object is no longer in the policy.",
                    OpenAiErrors.INVALID_REQUEST, "not_found", Map.of()));
        }
        return served.stored(method, path).map(reply -> {
            Reply.Complete answer = (Reply.Complete) reply;
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            headers.put("Content-Type", List.of(answer.contentType() != null ? answer.contentType()
                    : "application/json"));
            headers.put(ResponseHeaders.PROVIDER, List.of(provider));
            return ProxyResponse.json(answer.status(), headers, answer.body()).in(answer.dialect());
        }).onFailure().recoverWithItem(failure -> ProxyResponse.error(502, "Provider '" + provider
                + "' could not be reached: " + FailureKind.of(failure).description() + ".",
                OpenAiErrors.UPSTREAM, "upstream_error", Map.of()));
    }

    /**
     * {@code POST /v1/messages/count_tokens}, once the caller may use its model: when the first target of the route's
     * plan is an {@code anthropic} provider, that provider's own count of the caller's body (model replaced); else,
     * or when that provider does not answer it, the estimated prompt size of the chat translation (about four
     * characters per token). Never a failure.
     *
     * @param chat the request's chat translation, for admission and the estimate
     * @param passthrough the caller's own body
     */
    public Uni<ProxyResponse> countTokens(byte[] chat, RequestHeaders headers, Passthrough passthrough) {
        RequestBody request;
        try {
            request = RequestBody.parse(chat);
        } catch (InvalidRequestException e) {
            return now(ProxyResponse.error(400, e.getMessage(), OpenAiErrors.INVALID_REQUEST, e.code(), Map.of()));
        }
        ActivePolicy policy = policies.current().orElse(null);
        if (policy == null) {
            return now(notLoaded());
        }
        Decision decision = new Admission(policy.table()).admit(request, headers);
        if (decision instanceof Decision.Refused refused) {
            return now(refusal(refused));
        }
        Decision.Admitted admitted = (Decision.Admitted) decision;
        ProxyResponse estimate = ProxyResponse.json(200, Map.of("Content-Type", List.of("application/json")),
                ("{\"input_tokens\":" + request.estimatedPromptTokens() + "}").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
        List<Target> plan = policy.runtime(admitted.route()).plan(admitted.candidates(), admitted.traits(),
                admitted.session());
        if (plan.isEmpty() || !Provider.serves(policy.state(plan.get(0).provider()).spec(), passthrough.dialect())) {
            return now(estimate);
        }
        Target target = plan.get(0);
        return policy.provider(target.provider()).countTokens(passthrough.bodyFor(target.model()))
                .map(reply -> {
                    Reply.Complete counted = (Reply.Complete) reply;
                    if (counted.status() != 200) {
                        LOGGER.debugf("count_tokens: provider '%s' answered %d; answering the estimate",
                                target.provider(), counted.status());
                        return estimate;
                    }
                    return ProxyResponse.json(200, ResponseHeaders.json(target, 1, counted.contentType()),
                            counted.body()).in(counted.dialect());
                })
                .onFailure().recoverWithItem(failure -> {
                    LOGGER.debugf("count_tokens: provider '%s' failed (%s); answering the estimate",
                            target.provider(), failure.toString());
                    return estimate;
                });
    }

    /** {@code GET /v1/models}: the route aliases the calling tenant may use, in policy order. */
    public ProxyResponse models(RequestHeaders headers) {
        return listed(headers, (models, created) -> ok(OpenAiErrors.json(ModelList.of(models.stream()
                .map(name -> ModelList.Model.of(name, created, "switchboard")).toList()))));
    }

    /**
     * {@code GET /v1/models/{id}}: one route alias the calling tenant may use; 404 {@code model_not_found} for
     * anything else (a pinned {@code provider/model} included, which is not listed either).
     */
    public ProxyResponse model(String id, RequestHeaders headers) {
        return listed(headers, (models, created) -> models.contains(id)
                ? ok(OpenAiErrors.json(ModelList.Model.of(id, created, "switchboard")))
                : ProxyResponse.error(404, "The model '" + id + "' is not a route of this Switchboard's policy that"
                        + " the caller may use; GET /v1/models lists them.", OpenAiErrors.INVALID_REQUEST,
                        "model_not_found", Map.of()));
    }

    /** The answer for the aliases the caller may list and the policy's load time, unless the listing is refused. */
    private ProxyResponse listed(RequestHeaders headers, BiFunction<List<String>, Long, ProxyResponse> answer) {
        ActivePolicy policy = policies.current().orElse(null);
        if (policy == null) {
            return notLoaded();
        }
        Admission.Listing listing = new Admission(policy.table()).models(headers);
        if (listing.refused() != null) {
            return refusal(listing.refused());
        }
        return answer.apply(listing.models(), policy.loadedAt().getEpochSecond());
    }

    private static ProxyResponse ok(byte[] json) {
        return ProxyResponse.json(200, Map.of("Content-Type", List.of("application/json")), json);
    }

    private static ProxyResponse refusal(Decision.Refused refused) {
        return ProxyResponse.error(refused.status(), refused.message(), OpenAiErrors.INVALID_REQUEST, refused.code(),
                Map.of());
    }

    private static ProxyResponse notLoaded() {
        return ProxyResponse.error(503, "no routing policy is loaded yet", OpenAiErrors.SERVER, "policy_not_loaded",
                Map.of());
    }

    private static Uni<ProxyResponse> now(ProxyResponse response) {
        return Uni.createFrom().item(response);
    }
}
