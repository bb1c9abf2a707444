package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * {@code lowest-cost}: cheapest estimated cost first, from each target's {@code price} and the request's estimated
 * prompt tokens and {@code max_tokens} (256 assumed when absent). Every target must have a price.
 */
public final class LowestCostStrategy implements Strategy {

    public static final String NAME = "lowest-cost";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        return Plans.ascending(candidates, t -> cost(t, traits));
    }

    /** Estimated USD; unknown prices sort last. */
    static double cost(Target target, RequestTraits traits) {
        return target.price() == null ? Double.MAX_VALUE
                : target.price().estimate(traits.promptTokens(), traits.completionTokens());
    }
}
