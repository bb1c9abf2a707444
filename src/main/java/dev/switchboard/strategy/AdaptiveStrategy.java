package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * {@code adaptive}: a score from what this pod observes, updated by every response:
 * {@code success rate / (1 + latency seconds) / (1 + requests in flight)}, highest first. A failing target's success
 * rate drops and it sinks; a slow or busy one is passed over; a share of decisions ({@code exploration}) tries another
 * target first so the scores stay fresh.
 */
public final class AdaptiveStrategy implements Strategy {

    public static final String NAME = "adaptive";

    private final StrategyContext context;
    private final Exploration exploration;

    public AdaptiveStrategy(StrategyContext context) {
        this.context = context;
        this.exploration = new Exploration(context);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return exploration.apply(Plans.ascending(candidates, t -> -score(context.stats(t))));
    }

    static double score(TargetStats stats) {
        return stats.successRate() / (1 + stats.latencyMs() / 1000) / (1 + stats.inFlight());
    }
}
