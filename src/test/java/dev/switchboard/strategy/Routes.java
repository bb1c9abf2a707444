package dev.switchboard.strategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

/** Routes and contexts for strategy tests, with a seeded random source. */
final class Routes {

    private Routes() {
    }

    static Target target(int index, int weight) {
        return new Target("p" + index, "m" + index, weight, index, 2, 2, null, 0, 0);
    }

    static Target target(int index, int speed, int quality, Target.Price price, int contextWindow) {
        return new Target("p" + index, "m" + index, 1, index, speed, quality, price, contextWindow, 0);
    }

    static Route route(String strategy, List<Target> targets) {
        return route(strategy, targets, Route.Options.DEFAULT);
    }

    static Route route(String strategy, List<Target> targets, Route.Options options) {
        return new Route("r", strategy, targets, 3, Duration.ZERO, options, null);
    }

    static Route weighted(int... weights) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(target(i, weights[i]));
        }
        return route("weighted", targets);
    }

    static StrategyContext context(Route route, long seed) {
        Random random = new Random(seed);
        return new StrategyContext(route, route.targets().stream().map(t -> new TargetStats()).toList(), () -> random);
    }

    static Route.Options exploring(double share) {
        return new Route.Options(false, false, 2000, null, share, null);
    }

    /** One finished attempt, as the router records it. */
    static void sample(TargetStats stats, boolean success, long latencyNanos) {
        stats.begin();
        stats.complete(success, latencyNanos);
    }

    static final RequestTraits SMALL = new RequestTraits(100, 0, false);
}
