package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * {@code least-latency}: lowest moving average of observed latency first (time to first token for streams, total time
 * otherwise). Targets not yet measured go first, and a share of decisions ({@code exploration}, default 5 %) tries
 * another target first, so a slow target that recovered is measured again.
 */
public final class LeastLatencyStrategy implements Strategy {

    public static final String NAME = "least-latency";

    private final StrategyContext context;
    private final Exploration exploration;

    public LeastLatencyStrategy(StrategyContext context) {
        this.context = context;
        this.exploration = new Exploration(context);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return exploration.apply(Plans.ascending(candidates, t -> context.stats(t).latencyMs()));
    }
}
