package dev.switchboard.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.provider.Attempt;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.Reply;
import dev.switchboard.resilience.Outcome;
import dev.switchboard.resilience.ProviderGuard;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.schema.Passthrough;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.Usage;
import dev.switchboard.usage.UsageLedger;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One request's walk along its attempt plan: round and round while attempts remain, skipping (without any network
 * I/O, and at no cost in attempts) a target whose guard refuses, until an attempt answers, returns an answer that must
 * go back to the caller (a 4xx), or the budget runs out. Failover happens only before the first byte reaches the
 * caller. On a route that hedges, a late first attempt may be joined by a second ({@link HedgeRace}); whatever the two
 * change here happens under the race's lock, so the loop is still used from one thread at a time.
 */
final class AttemptLoop {

    private static final Logger LOGGER = Logger.getLogger(AttemptLoop.class);

    private final ActivePolicy policy;
    private final RouteRuntime runtime;
    private final Route route;
    private final Endpoint endpoint;
    private final RequestBody request;
    private final Passthrough passthrough;
    private final List<Target> plan;
    private final String session;
    private final UsageLedger usage;
    private final Metrics metrics;
    private final String routeTag;
    private final Multi<String> drained;
    private final boolean[] tried;
    private final Tracing tracing;
    /** The request's trace context: each attempt's span is its child. */
    private final Context trace;
    private int attempts;
    private int cursor;
    private Outcome lastOutcome;
    private Target lastTarget;
    private final TooLongPrompt tooLong = new TooLongPrompt();
    private final AttemptTrail trail = new AttemptTrail();
    /** The hedge side: the target that joins a late first attempt, and what a lost attempt leaves. */
    private final Hedging hedging;
    /** When the request must be answered by: the caller's deadline or the route's request-timeout. */
    private final Deadline deadline;
    private final TargetGate gate;
    private final Drills drills;
    private final LimitCheck limits;
    /** The failover drill that faulted one of this request's attempts, or null. */
    private Drill drilled;

    AttemptLoop(ActivePolicy policy, RouteRuntime runtime, Endpoint endpoint, RequestBody request,
            Passthrough passthrough, List<Target> plan, String session, UsageLedger usage, Metrics metrics,
            String routeTag, Multi<String> drained, Tracing tracing, Context trace, Duration callerDeadline,
            Drills drills, LimitCheck limits) {
        this.drills = drills;
        this.limits = limits;
        this.policy = policy;
        this.runtime = runtime;
        this.route = runtime.route();
        this.endpoint = endpoint;
        this.request = request;
        this.passthrough = passthrough;
        this.plan = plan;
        this.session = session;
        this.usage = usage;
        this.metrics = metrics;
        this.routeTag = routeTag;
        this.drained = drained;
        this.tried = new boolean[plan.size()];
        this.tracing = tracing;
        this.trace = trace;
        this.deadline = new Deadline(route, callerDeadline);
        this.gate = new TargetGate(runtime, deadline, tooLong, request, metrics);
        this.hedging = new Hedging(plan, tried, policy, gate, runtime, metrics, routeTag, limits, trail,
                request.estimatedPromptTokens(), new Hedging.Loop() {
                    @Override
                    public Launched launch(int position, Target target, ProviderState state,
                            ProviderGuard.Permit permit) {
                        tried[position] = true;
                        return AttemptLoop.this.launch(target, state, permit, false);
                    }

                    @Override
                    public String modelTag(Target target) {
                        return AttemptLoop.this.modelTag(target);
                    }
                });
    }

    Uni<ProxyResponse> run() {
        if (runtime.hedgeBudget() != null) {
            runtime.hedgeBudget().earn();
        }
        return next(0);
    }

    /** The next target of the plan whose guard admits it; a whole round of refusals means nothing is available. */
    private Uni<ProxyResponse> next(int refused) {
        if (refused == 0) {
            gate.newRound();
        }
        if (deadline.passed()) {
            return Uni.createFrom().item(stopped(StreamRelay.Stop.DEADLINE));
        }
        if (attempts >= route.maxAttempts() || refused >= plan.size()) {
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
                return Uni.createFrom().voidItem().onItem().delayIt().by(wait).onItem().transformToUni(v -> next(0));
            }
            if (attempts == 0) {
                limits.unanswered();
            }
            return Uni.createFrom().item(attempts > 0 ? exhausted()
                    : gate.budgetResetsIn() != null ? Unanswered.budgetSpent(route, gate.budgetResetsIn(), metrics, routeTag)
                            : Unanswered.noTarget(policy, route, plan, routeTag, gate.saturated(), metrics));
        }
        int position = cursor++ % plan.size();
        Target target = plan.get(position);
        ProviderState state = policy.state(target.provider());
        if (!gate.admits(target, state, tried[position])) {
            return next(refused + 1);
        }
        return state.guard().admit().onItem().transformToUni(permit -> {
            if (permit.isEmpty()) {
                state.health().end();
                LOGGER.debugf("route '%s': skipping %s, provider %s", route.name(), target, state.status());
                return next(refused + 1);
            }
            if (!limits.applies(state.spec())) {
                return go(position, target, state, permit.get());
            }
            return limits.check(target, state.spec()).onItem().transformToUni(verdict -> {
                if (verdict == LimitCheck.Verdict.GO) {
                    return go(position, target, state, permit.get());
                }
                permit.get().neutral();
                state.health().end();
                if (verdict == LimitCheck.Verdict.QUOTA) {
                    return next(refused + 1);
                }
                logTrail();
                return Uni.createFrom().item(limits.budgetExceeded(trail.on(new LinkedHashMap<>(
                        Map.of(ResponseHeaders.ATTEMPTS, List.of(Integer.toString(attempts)))))));
            });
        });
    }

    /** {@code target} admitted by every guard and limit: its attempt goes out. */
    private Uni<ProxyResponse> go(int position, Target target, ProviderState state, ProviderGuard.Permit permit) {
        boolean repeat = tried[position];
        tried[position] = true;
        if (lastOutcome != null) {
            metrics.fallback(routeTag, lastTarget.provider(), target.provider(), lastOutcome.tag());
        }
        metrics.selected(routeTag, target.provider(), modelTag(target));
        gate.sending(state);
        return attempt(target, state, permit, repeat);
    }

    private Uni<ProxyResponse> attempt(Target target, ProviderState state, ProviderGuard.Permit permit, boolean repeat) {
        Launched first = launch(target, state, permit, repeat);
        Duration after = repeat || plan.size() < 2 ? null : runtime.hedgeAfter(target);
        Uni<Launched.Finished> finished = after == null ? first.finish()
                : HedgeRace.race(first, after, () -> hedging.pick(cursor), this::failedOver, hedging::lost);
        // join().first() cancels the loser through its subscription; combine().any() went through a
        // CompletableFuture per side and made a CancellationException, with its stack trace, for every request
        Uni<Object> answerOrStop = Uni.join().first(finished.onItem().castTo(Object.class),
                stops().toUni().onItem().castTo(Object.class)).toTerminate();
        return answerOrStop.onItem().transformToUni(answer -> {
            if (answer instanceof StreamRelay.Stop stop) {
                trail.failed(first.target().provider(), stop.code, first.elapsed());
                first.scope().settle(new Outcome.Abandoned(stop.reason));
                return Uni.createFrom().item(stopped(stop));
            }
            return settled((Launched.Finished) answer);
        }).onCancellation().invoke(() -> first.scope().settle(Outcome.Abandoned.CALLER_GONE));
    }

    /** One attempt, counted, its scope made; it goes out when its reply is subscribed (after any backoff). */
    private Launched launch(Target target, ProviderState state, ProviderGuard.Permit permit, boolean repeat) {
        attempts++;
        lastTarget = target;
        Provider provider = policy.provider(target.provider());
        Drill drill = drills.active(target.provider());
        boolean injected = drill != null && drill.take();
        if (injected) {
            drilled = drill;
        }
        Attempt attempt = new Attempt(endpoint, request, target.model(), target.maxTokens(), passthrough);
        AttemptScope scope = new AttemptScope(target, state, permit, runtime.stats(target), metrics, usage,
                modelTag(target), endpoint, routeTag, tracing, trace, attempts);
        return new Launched(target, scope, injected, launched -> {
            Uni<Reply> reply = Uni.createFrom().deferred(() -> {
                scope.start();
                launched.sent();
                return injected ? drill.send(provider, attempt) : provider.send(attempt);
            });
            Duration backoff = route.backoff();
            return repeat && !backoff.isZero() ? Uni.createFrom().voidItem().onItem().delayIt().by(backoff)
                    .replaceWith(reply) : reply;
        });
    }

    /** An attempt's answer or failure: back to the caller, or on to the next target. */
    private Uni<ProxyResponse> settled(Launched.Finished finished) {
        if (failedOver(finished)) {
            return next(0);
        }
        Launched launched = finished.attempt();
        Target target = launched.target();
        AttemptScope scope = launched.scope();
        lastTarget = target;
        if (hedging.started()) {
            metrics.hedge(routeTag, target.provider(), "won");
        }
        if (finished.reply() instanceof Reply.Stream stream) {
            trail.answered(target.provider(), 200, launched.elapsed());
            return Uni.createFrom().item(streamed(target, scope, stream));
        }
        Reply.Complete complete = (Reply.Complete) finished.reply();
        trail.answered(target.provider(), complete.status(), launched.elapsed());
        scope.answeredBy(complete.usage());
        scope.settle(Outcome.of(complete.status(), complete.body(), complete.retryAfter()));
        return Uni.createFrom().item(answered(target, scope, complete));
    }

    /**
     * Settles an attempt that failed or got an answer that fails over (a 5xx, a 429, a context-length 400), and
     * remembers it as the last failure; false, touching nothing, for an answer that goes back to the caller.
     */
    private boolean failedOver(Launched.Finished finished) {
        Launched launched = finished.attempt();
        Target target = launched.target();
        Outcome outcome;
        if (finished.failure() != null) {
            outcome = Outcome.of(finished.failure());
            trail.failed(target.provider(), outcome.tag(), launched.elapsed());
        } else {
            if (!(finished.reply() instanceof Reply.Complete complete)) {
                return false;
            }
            outcome = Outcome.of(complete.status(), complete.body(), complete.retryAfter());
            if (!outcome.failsOver()) {
                return false;
            }
            trail.answered(target.provider(), complete.status(), launched.elapsed());
            if (outcome instanceof Outcome.TooLong) {
                tooLong.failedOn(target, complete);
            }
        }
        launched.scope().settle(outcome);
        lastOutcome = outcome;
        lastTarget = target;
        if (launched.injected()) {
            drilled.failedOver();
        }
        LOGGER.debugf("route '%s' attempt %d: provider '%s' (model %s) failed with %s", route.name(), attempts,
                target.provider(), target.model(), outcome.describe());
        return true;
    }

    /**
     * What cuts this request short: the drain's end, and the route's request-timeout. An item only then; cancelled
     * with the attempt or stream it guards.
     */
    private Multi<StreamRelay.Stop> stops() {
        Multi<StreamRelay.Stop> shutdown = drained.map(reason -> StreamRelay.Stop.SHUTDOWN);
        return deadline.bounded() ? Multi.createBy().merging().streams(shutdown, deadline.timer()) : shutdown;
    }

    private ProxyResponse streamed(Target target, AttemptScope scope, Reply.Stream stream) {
        scope.firstEvent();
        runtime.succeeded(session, target);
        logTrail();
        return ProxyResponse.streaming(200, limits.on(trail.on(ResponseHeaders.stream(target, attempts))),
                StreamRelay.relay(stream.first(), stream.rest(), stream.dialect(), target.toString(), stops(),
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

    private ProxyResponse answered(Target target, AttemptScope scope, Reply.Complete complete) {
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
    private ProxyResponse stopped(StreamRelay.Stop stop) {
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
    private String modelTag(Target target) {
        return routeTag.equals(Metrics.PINNED) ? Metrics.PINNED : target.model();
    }
}
