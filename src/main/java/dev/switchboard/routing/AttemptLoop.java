package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;

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
import dev.switchboard.usage.UsageLedger;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One request's walk along its attempt plan: round and round while attempts remain, skipping (without any network
 * I/O, and at no cost in attempts) a target whose guard refuses, until an attempt answers, returns an answer that must
 * go back to the caller (a 4xx), or the budget runs out. Failover happens only before the first byte reaches the
 * caller. On a route that hedges, a late first attempt may be joined by a second ({@link HedgeRace}); whatever the two
 * change here happens under the race's lock, so the loop is still used from one thread at a time. How the walk ends
 * for the caller (the answer, the stream, a wait, Switchboard's own error) is {@link AttemptEnding}'s.
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
    private final UsageLedger usage;
    private final Metrics metrics;
    private final String routeTag;
    private final Multi<String> drained;
    private final boolean[] tried;
    private final Tracing tracing;
    /** The request's trace context: each attempt's span is its child. */
    private final Context trace;
    private int cursor;
    private final TooLongPrompt tooLong = new TooLongPrompt();
    private final AttemptTrail trail = new AttemptTrail();
    /** The hedge side: the target that joins a late first attempt, and what a lost attempt leaves. */
    private final Hedging hedging;
    /** When the request must be answered by: the caller's deadline or the route's request-timeout. */
    private final Deadline deadline;
    private final TargetGate gate;
    private final Drills drills;
    private final LimitCheck limits;
    /** How the walk ends for the caller, and what it leaves: attempts, the last failure, the drill. */
    private final AttemptEnding ending;

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
        this.usage = usage;
        this.metrics = metrics;
        this.routeTag = routeTag;
        this.drained = drained;
        this.tried = new boolean[plan.size()];
        this.tracing = tracing;
        this.trace = trace;
        this.deadline = new Deadline(route, callerDeadline);
        this.gate = new TargetGate(runtime, deadline, tooLong, request, metrics);
        this.ending = new AttemptEnding(policy, runtime, plan, request, session, metrics, routeTag, trail, tooLong,
                deadline, gate, limits);
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
                        return ending.modelTag(target);
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
            return Uni.createFrom().item(ending.stopped(StreamRelay.Stop.DEADLINE));
        }
        if (ending.exhaustedOrRefused(refused)) {
            return ending.roundsOver(refused, () -> next(0));
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
                return Uni.createFrom().item(ending.budgetExceeded());
            });
        });
    }

    /** {@code target} admitted by every guard and limit: its attempt goes out. */
    private Uni<ProxyResponse> go(int position, Target target, ProviderState state, ProviderGuard.Permit permit) {
        boolean repeat = tried[position];
        tried[position] = true;
        ending.fallingBackTo(target);
        metrics.selected(routeTag, target.provider(), ending.modelTag(target));
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
                return Uni.createFrom().item(ending.stopped(stop));
            }
            return settled((Launched.Finished) answer);
        }).onCancellation().invoke(() -> first.scope().settle(Outcome.Abandoned.CALLER_GONE));
    }

    /** One attempt, counted, its scope made; it goes out when its reply is subscribed (after any backoff). */
    private Launched launch(Target target, ProviderState state, ProviderGuard.Permit permit, boolean repeat) {
        Provider provider = policy.provider(target.provider());
        Drill drill = drills.active(target.provider());
        boolean injected = drill != null && drill.take();
        int number = ending.launched(target, injected ? drill : null);
        Attempt attempt = new Attempt(endpoint, request, target.model(), target.maxTokens(), passthrough);
        AttemptScope scope = new AttemptScope(target, state, permit, runtime.stats(target), metrics, usage,
                ending.modelTag(target), endpoint, routeTag, tracing, trace, number);
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
        if (hedging.started()) {
            metrics.hedge(routeTag, target.provider(), "won");
        }
        if (finished.reply() instanceof Reply.Stream stream) {
            trail.answered(target.provider(), 200, launched.elapsed());
            return Uni.createFrom().item(ending.streamed(target, scope, stream, stops()));
        }
        Reply.Complete complete = (Reply.Complete) finished.reply();
        trail.answered(target.provider(), complete.status(), launched.elapsed());
        scope.answeredBy(complete.usage());
        scope.settle(Outcome.of(complete.status(), complete.body(), complete.retryAfter()));
        return Uni.createFrom().item(ending.answered(target, scope, complete));
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
        ending.failed(target, outcome, launched.injected());
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
}
