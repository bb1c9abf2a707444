package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/** {@code least-connections}: fewest requests in flight from this pod first; ties in policy order. */
public final class LeastConnectionsStrategy implements Strategy {

    public static final String NAME = "least-connections";

    private final StrategyContext context;

    public LeastConnectionsStrategy(StrategyContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return Plans.ascending(candidates, t -> context.stats(t).inFlight());
    }
}
