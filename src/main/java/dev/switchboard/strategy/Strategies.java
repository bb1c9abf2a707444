package dev.switchboard.strategy;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The strategies a policy may name, by YAML name, and how to build one for a route. */
public final class Strategies {

    private static final Map<String, Function<StrategyContext, Strategy>> FACTORIES = Map.ofEntries(
            Map.entry(FailoverStrategy.NAME, c -> new FailoverStrategy()),
            Map.entry(RoundRobinStrategy.NAME, c -> new RoundRobinStrategy()),
            Map.entry(WeightedStrategy.NAME, WeightedStrategy::new),
            Map.entry(RandomStrategy.NAME, c -> new RandomStrategy(c, false)),
            Map.entry(RandomStrategy.WEIGHTED, c -> new RandomStrategy(c, true)),
            Map.entry(LeastConnectionsStrategy.NAME, LeastConnectionsStrategy::new),
            Map.entry(LeastLatencyStrategy.NAME, LeastLatencyStrategy::new),
            Map.entry(LowestCostStrategy.NAME, c -> new LowestCostStrategy()),
            Map.entry(TierStrategy.COST, c -> new TierStrategy(TierStrategy.COST)),
            Map.entry(TierStrategy.QUALITY, c -> new TierStrategy(TierStrategy.QUALITY)),
            Map.entry(TierStrategy.BALANCED, c -> new TierStrategy(TierStrategy.BALANCED)),
            Map.entry(AdaptiveStrategy.NAME, AdaptiveStrategy::new));

    private Strategies() {
    }

    /** Builds the named strategy for {@code context.route()}; the name must be one of {@link #names()}. */
    public static Strategy create(String name, StrategyContext context) {
        Function<StrategyContext, Strategy> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'");
        }
        return factory.apply(context);
    }

    /** Every name, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    /** Strategies that need a {@code price} on every target. */
    public static Set<String> priced() {
        return Set.of(LowestCostStrategy.NAME);
    }
}
