package dev.switchboard.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.InvalidRequestException;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.provider.RequestBody;
import dev.switchboard.resilience.FailureKind;
import dev.switchboard.strategy.Strategies;
import dev.switchboard.strategy.Strategy;
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

    private static final Logger LOGGER = Logger.getLogger(Router.class);

    private final PolicyState policies;
    private final Strategies strategies;

    @Inject
    public Router(PolicyState policies) {
        this(policies, new Strategies());
    }

    Router(PolicyState policies, Strategies strategies) {
        this.policies = policies;
        this.strategies = strategies;
    }

    /** Routes a raw request body for an endpoint; the {@code Uni} always resolves to a response, never fails. */
    public Uni<ProxyResponse> route(Endpoint endpoint, byte[] body) {
        RequestBody request;
        try {
            request = RequestBody.parse(body);
        } catch (InvalidRequestException e) {
            return Uni.createFrom().item(OpenAiErrors.response(400, e.getMessage(), OpenAiErrors.INVALID_REQUEST,
                    e.code(), Map.of()));
        }
        ActivePolicy policy = policies.current().orElse(null);
        if (policy == null) {
            return Uni.createFrom().item(OpenAiErrors.response(503, "no routing policy is loaded yet",
                    OpenAiErrors.SERVER, "policy_not_loaded", Map.of()));
        }
        Route route = policy.table().resolve(request.model()).orElse(null);
        if (route == null) {
            return Uni.createFrom().item(OpenAiErrors.response(404, "The model '" + request.model()
                    + "' does not exist: it is neither a route of the policy (" + String.join(", ",
                            policy.table().routes().keySet())
                    + ") nor provider/model with a configured provider.", OpenAiErrors.INVALID_REQUEST,
                    "model_not_found", Map.of()));
        }
        Strategy strategy = strategies.find(route.strategy())
                .orElseThrow(() -> new IllegalStateException("strategy '" + route.strategy() + "' was validated"));
        List<Target> plan = strategy.plan(route);
        LOGGER.debugf("route '%s' (%s) plan %s", route.name(), strategy.name(), plan);
        return new Call(policy, endpoint, request, route, plan).next()
                .onFailure().recoverWithItem(failure -> {
                    LOGGER.errorf(failure, "unexpected failure routing a request for '%s'", route.name());
                    return OpenAiErrors.response(500, "internal error while routing the request",
                            OpenAiErrors.SERVER, "internal_error", Map.of());
                });
    }

    /** The state of one request's walk along its plan. Used from one attempt at a time, never concurrently. */
    private static final class Call {
        private final ActivePolicy policy;
        private final Endpoint endpoint;
        private final RequestBody request;
        private final Route route;
        private final List<Target> plan;
        private int attempts;
        private String lastFailure;
        private FailureKind lastKind;
        private Target lastTarget;

        Call(ActivePolicy policy, Endpoint endpoint, RequestBody request, Route route, List<Target> plan) {
            this.policy = policy;
            this.endpoint = endpoint;
            this.request = request;
            this.route = route;
            this.plan = plan;
        }

        Uni<ProxyResponse> next() {
            if (attempts >= route.maxAttempts()) {
                return Uni.createFrom().item(exhausted());
            }
            Target target = plan.get(attempts % plan.size());
            boolean repeat = attempts >= plan.size();
            attempts++;
            lastTarget = target;
            Provider provider = policy.provider(target.provider());
            Attempt attempt = new Attempt(endpoint, request, target.model());
            Uni<Reply> reply = Uni.createFrom().deferred(() -> provider.send(attempt));
            Duration backoff = route.backoff();
            if (repeat && !backoff.isZero()) {
                reply = Uni.createFrom().voidItem().onItem().delayIt().by(backoff).replaceWith(reply);
            }
            return reply.onItemOrFailure().transformToUni((answer, failure) -> {
                if (failure != null) {
                    FailureKind kind = FailureKind.of(failure);
                    return failOver(target, kind, kind.description() + ": " + describe(failure));
                }
                if (answer instanceof Reply.Stream stream) {
                    return Uni.createFrom().item(new ProxyResponse(200, streamHeaders(target),
                            StreamRelay.relay(stream.first(), stream.rest(), target.toString())));
                }
                Reply.Complete complete = (Reply.Complete) answer;
                if (FailureKind.failsOver(complete.status())) {
                    return failOver(target, FailureKind.STATUS,
                            "HTTP " + complete.status() + ": " + OpenAiErrors.summarize(complete.body()));
                }
                return Uni.createFrom().item(ProxyResponse.json(complete.status(), jsonHeaders(target,
                        complete.contentType()), complete.body()));
            });
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
