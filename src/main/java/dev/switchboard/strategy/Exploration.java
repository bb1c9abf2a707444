package dev.switchboard.strategy;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.switchboard.model.Target;

/**
 * For strategies that learn from traffic: in a small share of decisions, try a target other than the best first, so
 * a target that was slow or failing is measured again and can win back its traffic.
 */
final class Exploration {

    private final double share;
    private final Supplier<RandomGenerator> random;

    Exploration(StrategyContext context) {
        this.share = context.route().options().exploration();
        this.random = context.random();
    }

    List<Target> apply(List<Target> plan) {
        if (share <= 0 || plan.size() < 2) {
            return plan;
        }
        RandomGenerator rng = random.get();
        if (rng.nextDouble() >= share) {
            return plan;
        }
        return Plans.withFirst(plan, 1 + rng.nextInt(plan.size() - 1));
    }
}
