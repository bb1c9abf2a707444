package dev.switchboard.strategy;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * {@code random}: the first target uniformly at random; {@code weighted-random}: at random in proportion to
 * {@code weight}. Failover continues in policy order.
 */
public final class RandomStrategy implements Strategy {

    public static final String NAME = "random";
    public static final String WEIGHTED = "weighted-random";

    private final Supplier<RandomGenerator> random;
    private final boolean weighted;

    public RandomStrategy(StrategyContext context, boolean weighted) {
        this.random = context.random();
        this.weighted = weighted;
    }

    @Override
    public String name() {
        return weighted ? WEIGHTED : NAME;
    }

    @Override
    public List<Target> plan(List<Target> candidates, RequestTraits traits) {
        RandomGenerator rng = random.get();
        if (!weighted) {
            return Plans.withFirst(candidates, rng.nextInt(candidates.size()));
        }
        long total = 0;
        for (Target t : candidates) {
            total += t.weight();
        }
        long pick = rng.nextLong(total);
        for (int i = 0; i < candidates.size(); i++) {
            pick -= candidates.get(i).weight();
            if (pick < 0) {
                return Plans.withFirst(candidates, i);
            }
        }
        return candidates;
    }
}
