package dev.switchboard.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.provider.Reply;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.Usage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * How one request's walk along its attempt plan ends for the caller, and what the walk so far leaves for it (the
 * attempts counted, the last target and how it failed, the failover drill that met it): the provider's answer or
 * stream with the trail, usage, cost and limits settled, a wait and another round, or Switchboard's own error when
 * nothing answered. {@link AttemptLoop} walks; this answers. Used from one thread at a time, as the loop is.
 */
final class AttemptEnding {

    private static final Logger LOGGER = Logger.getLogger(AttemptEnding.class);

    private final ActivePolicy policy;
    private final RouteRuntime runtime;
    private final Route route;
    private final List<Target> plan;
    private final RequestBody request;
    private final String session;
    private final Metrics metrics;
    private final String routeTag;
    private final AttemptTrail trail;
    private final TooLongPrompt tooLong;
    private final Deadline deadline;
    private final TargetGate gate;
    private final LimitCheck limits;
    private int attempts;
    private Target lastTarget;
    private Outcome lastOutcome;
    /** The failover drill that faulted one of this request's attempts, or null. */
    private Drill drilled;

    AttemptEnding(ActivePolicy policy, RouteRuntime runtime, List<Target> plan, RequestBody request, String session,
            Metrics metrics, String routeTag, AttemptTrail trail, TooLongPrompt tooLong, Deadline deadline,
            TargetGate gate, LimitCheck limits) {
        this.policy = policy;
        this.runtime = runtime;
        this.route = runtime.route();
        this.plan = plan;
        this.request = request;
        this.session = session;
        this.metrics = metrics;
        this.routeTag = routeTag;
        this.trail = trail;
        this.tooLong = tooLong;
        this.deadline = deadline;
        this.gate = gate;
        this.limits = limits;
    }

    /** An attempt on {@code target} goes out; {@code drill} is the failover drill that faults it, or null. */
    int launched(Target target, Drill drill) {
        attempts++;
        lastTarget = target;
        if (drill != null) {
            drilled = drill;
        }
        return attempts;
    }

    /** The attempt on {@code target} failed, or got an answer that fails over, with {@code outcome}. */
    void failed(Target target, Outcome outcome, boolean injected) {
        lastOutcome = outcome;
        lastTarget = target;
        if (injected) {
            drilled.failedOver();
        }
        LOGGER.debugf("route '%s' attempt %d: provider '%s' (model %s) failed with %s", route.name(), attempts,
                target.provider(), target.model(), outcome.describe());
    }

    /** {@code target} is about to be tried: a fallback from the last failure, if there was one. */
    void fallingBackTo(Target target) {
        if (lastOutcome != null) {
            metrics.fallback(routeTag, lastTarget.provider(), target.provider(), lastOutcome.tag());
        }
    }

    boolean exhaustedOrRefused(int refused) {
        return attempts >= route.maxAttempts() || refused >= plan.size();
    }

    /**
     * No attempt left, or a whole round refused: wait and try again ({@code again}) when the deadline allows it for a
     * throttled provider or a free slot, else Switchboard's own error.
     */
    Uni<ProxyResponse> roundsOver(int refused, Supplier<Uni<ProxyResponse>> again) {
        if (lastOutcome != null) {
            metrics.fallback(routeTag, lastTarget.provider(), "none", lastOutcome.tag());
        }
        if (gate.tooLate() && refused >= plan.size()) {
            // nothing left that could answer before the deadline: say so now rather than at the deadline
            return Uni.createFrom().item(stopped(StreamRelay.Stop.DEADLINE));
        }
        Duration wait = refused >= plan.size() && attempts < route.maxAttempts()
                && lastOutcome instanceof Outcome.Throttled throttled
                        ? deadline.retryWait(throttled.retryAfter(), runtime.stats(lastTarget))
                        : null;
        if (wait != null) {
            // the only way left is the throttled provider, and its Retry-After fits the deadline: wait, retry it
            trail.waited(lastTarget.provider(), wait.toNanos());
        } else if (refused >= plan.size()) {
            // every provider with room is at its adaptive limit: wait for a slot while the deadline allows
            wait = deadline.slotWait(gate.slotWait());
        }
        if (wait != null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait).onItem().transformToUni(v -> again.get());
        }
        if (attempts == 0) {
            limits.unanswered();
        }
        return Uni.createFrom().item(attempts > 0 ? exhausted()
                : gate.budgetResetsIn() != null ? Unanswered.budgetSpent(route, gate.budgetResetsIn(), metrics, routeTag)
                        : Unanswered.noTarget(policy, route, plan, routeTag, gate.saturated(), metrics));
    }

    /** A tenant's budget refused the request before any attempt. */
    ProxyResponse budgetExceeded() {
        logTrail();
        return limits.budgetExceeded(trail.on(new LinkedHashMap<>(
                Map.of(ResponseHeaders.ATTEMPTS, List.of(Integer.toString(attempts))))));
    }

    /** {@code target}'s stream goes to the caller; {@code stops} can still end it. */
    ProxyResponse streamed(Target target, AttemptScope scope, Reply.Stream stream, Multi<StreamRelay.Stop> stops) {
        lastTarget = target;
        scope.firstEvent();
        runtime.succeeded(session, target);
        logTrail();
        return ProxyResponse.streaming(200, limits.on(trail.on(ResponseHeaders.stream(target, attempts))),
                StreamRelay.relay(stream.first(), stream.rest(), stream.dialect(), target.toString(), stops,
                        outcome -> {
                            Usage used = stream.usage().reported();
                            scope.answeredBy(used, stream.first().model());
                            scope.settle(outcome);
                            Usage charged = used != null ? used
                                    : Usage.estimate(request.estimatedPromptTokens(), stream.usage().events());
                            limits.answered(target.provider(), modelTag(target), charged, scope.account(charged));
                            limits.reported(policy.state(target.provider()));
                            drillEnded(outcome instanceof Outcome.Answered);
                        }))
                .in(stream.dialect());
    }

    /** {@code target}'s whole answer goes to the caller (a success, or an error that does not fail over). */
    ProxyResponse answered(Target target, AttemptScope scope, Reply.Complete complete) {
        lastTarget = target;
        logTrail();
        drillEnded(complete.status() < 500);
        Map<String, List<String>> headers = limits.on(trail.on(ResponseHeaders.json(target, attempts,
                complete.contentType())));
        if (complete.status() < 400) {
            runtime.succeeded(session, target);
            Usage used = complete.usage() != null ? complete.usage()
                    : Usage.estimate(request.estimatedPromptTokens(), complete.body().length / 4);
            BigDecimal cost = scope.account(used);
            limits.answered(target.provider(), modelTag(target), used, cost);
            limits.reported(policy.state(target.provider()));
            if (cost != null) {
                headers.put(ResponseHeaders.COST, List.of(cost.stripTrailingZeros().toPlainString()));
            }
        } else {
            limits.unanswered();
        }
        return ProxyResponse.json(complete.status(), headers, complete.body()).in(complete.dialect());
    }

    /**
     * Switchboard itself cut the request short before its answer started: 504 when the route's request-timeout ran
     * out, 503 when the drain is over.
     */
    ProxyResponse stopped(StreamRelay.Stop stop) {
        logTrail();
        drillEnded(false);
        Map<String, List<String>> headers = trail.on(lastTarget != null ? ResponseHeaders.of(lastTarget, attempts)
                : new LinkedHashMap<>(Map.of(ResponseHeaders.ATTEMPTS, List.of(Integer.toString(attempts)))));
        String last = lastOutcome != null
                ? "; last: provider '" + lastTarget.provider() + "' failed with " + lastOutcome.describe()
                : "";
        return Unanswered.stopped(route, stop, deadline.describe(), gate.tooLate(), attempts, last, headers);
    }

    private ProxyResponse exhausted() {
        if (lastOutcome instanceof Outcome.TooLong && tooLong.answer() != null) {
            // no target with a larger context window is left: the provider's own answer goes back
            return answered(lastTarget, null, tooLong.answer());
        }
        logTrail();
        drillEnded(false);
        return Unanswered.exhausted(route, attempts, lastTarget, lastOutcome,
                trail.on(ResponseHeaders.of(lastTarget, attempts)));
    }

    /**
     * The request ended: with a whole answer, or without (then its estimated tokens go back to its shared limits), for
     * a failover drill that met it.
     */
    private void drillEnded(boolean whole) {
        if (!whole) {
            limits.unanswered();
        }
        if (drilled != null) {
            drilled.ended(whole);
        }
    }

    private void logTrail() {
        LOGGER.debugf("route '%s': attempt trail %s", route.name(), trail);
    }

    /** The model tag: the policy's model id, or {@code (pinned)} for a caller-chosen one. */
    String modelTag(Target target) {
        return routeTag.equals(Metrics.PINNED) ? Metrics.PINNED : target.model();
    }
}
