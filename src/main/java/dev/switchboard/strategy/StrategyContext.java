package dev.switchboard.strategy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

/**
 * What a strategy is built with: its route, the live statistics of the route's targets (by target index), and a
 * random source tests can fix.
 */
public record StrategyContext(Route route, List<TargetStats> stats, Supplier<RandomGenerator> random) {

    public StrategyContext {
        stats = List.copyOf(stats);
        if (stats.size() != route.targets().size()) {
            throw new IllegalArgumentException("one TargetStats per target");
        }
    }

    /** With fresh statistics and the thread-local random source. */
    public static StrategyContext of(Route route) {
        return new StrategyContext(route,
                route.targets().stream().map(t -> new TargetStats()).toList(), ThreadLocalRandom::current);
    }

    public TargetStats stats(Target target) {
        return stats.get(target.index());
    }
}
