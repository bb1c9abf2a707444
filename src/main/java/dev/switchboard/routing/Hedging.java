package dev.switchboard.routing;

import java.util.List;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Target;
import dev.switchboard.resilience.ProviderGuard;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.Usage;
import io.smallrye.mutiny.Uni;

/**
 * The hedge side of one request's attempt loop: which target joins a late first attempt (the next untried one that
 * admits a request now, within the route's hedge budget), and what an attempt cancelled because the other answered
 * first leaves behind. Used under the {@link HedgeRace}'s lock.
 */
final class Hedging {

    /** What the loop does for a hedge's target: take its turn in the plan and send it. */
    interface Loop {

        /** The target at {@code position} of the plan goes out as a hedge. */
        Launched launch(int position, Target target, ProviderState state, ProviderGuard.Permit permit);

        /** The metrics tag of the target's model. */
        String modelTag(Target target);
    }

    private final List<Target> plan;
    private final boolean[] tried;
    private final ActivePolicy policy;
    private final TargetGate gate;
    private final RouteRuntime runtime;
    private final Metrics metrics;
    private final String routeTag;
    private final LimitCheck limits;
    private final AttemptTrail trail;
    private final int promptTokens;
    private final Loop loop;
    private boolean started;

    Hedging(List<Target> plan, boolean[] tried, ActivePolicy policy, TargetGate gate, RouteRuntime runtime,
            Metrics metrics, String routeTag, LimitCheck limits, AttemptTrail trail, int promptTokens, Loop loop) {
        this.plan = plan;
        this.tried = tried;
        this.policy = policy;
        this.gate = gate;
        this.runtime = runtime;
        this.metrics = metrics;
        this.routeTag = routeTag;
        this.limits = limits;
        this.trail = trail;
        this.promptTokens = promptTokens;
        this.loop = loop;
    }

    /** Whether a hedge went out for this request. */
    boolean started() {
        return started;
    }

    /** The target to hedge on, searched from the plan's {@code cursor}; a null item when none admits one now. */
    Uni<HedgeRace.Admitted> pick(int cursor) {
        for (int i = 0; i < plan.size(); i++) {
            int position = (cursor + i) % plan.size();
            Target target = plan.get(position);
            ProviderState state = policy.state(target.provider());
            if (tried[position] || !gate.admits(target, state, false)) {
                continue;
            }
            if (!runtime.hedgeBudget().trySpend()) {
                state.health().end();
                return Uni.createFrom().nullItem();
            }
            return state.guard().admit().map(permit -> {
                if (permit.isEmpty()) {
                    state.health().end();
                    return null;
                }
                return new HedgeRace.Admitted() {
                    @Override
                    public Launched launch() {
                        started = true;
                        metrics.selected(routeTag, target.provider(), loop.modelTag(target));
                        metrics.hedge(routeTag, target.provider(), "started");
                        gate.sending(state);
                        limits.count(state.spec());
                        return loop.launch(position, target, state, permit.get());
                    }

                    @Override
                    public void release() {
                        permit.get().neutral();
                        state.health().end();
                    }
                };
            });
        }
        return Uni.createFrom().nullItem();
    }

    /**
     * An attempt cancelled because the other one of a hedge answered first. The provider has read its prompt, which
     * providers bill: its estimated prompt tokens are accounted.
     */
    void lost(Launched launched) {
        trail.failed(launched.target().provider(), "hedge-lost", launched.elapsed());
        metrics.hedge(routeTag, launched.target().provider(), "cancelled");
        if (launched.elapsed() > 0) {
            launched.scope().account(Usage.estimate(promptTokens, 0));
        }
    }
}
