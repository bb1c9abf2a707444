package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class LeastLatencyStrategyTest {

    private static final long MS = 1_000_000;

    @Test
    void prefersTheFasterTargetAndComesBackWhenTheSlowOneRecovers() {
        Route route = Routes.route("least-latency", List.of(Routes.target(0, 1), Routes.target(1, 1)),
                Routes.exploring(0));
        StrategyContext context = Routes.context(route, 1);
        Strategy strategy = Strategies.create("least-latency", context);
        TargetStats first = context.stats().get(0);
        TargetStats second = context.stats().get(1);

        Routes.sample(first, true, 150 * MS);
        Routes.sample(second, true, 5 * MS);
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(1, 0);

        // the slow one speeds up (and the fast one slows down): a few fresh samples move the averages
        for (int i = 0; i < 10; i++) {
            Routes.sample(first, true, 2 * MS);
            Routes.sample(second, true, 40 * MS);
        }
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(0, 1);
    }

    @Test
    void triesUnmeasuredTargetsFirst() {
        Route route = Routes.route("least-latency", List.of(Routes.target(0, 1), Routes.target(1, 1)),
                Routes.exploring(0));
        StrategyContext context = Routes.context(route, 1);
        Routes.sample(context.stats().get(0), true, 20 * MS);

        assertThat(Strategies.create("least-latency", context).plan(route.targets(), Routes.SMALL).get(0).index())
                .isEqualTo(1);
    }

    @Test
    void exploresTheConfiguredShareOfDecisions() {
        Route route = Routes.route("least-latency", List.of(Routes.target(0, 1), Routes.target(1, 1)),
                Routes.exploring(0.1));
        StrategyContext context = Routes.context(route, 7);
        Routes.sample(context.stats().get(0), true, 5 * MS);
        Routes.sample(context.stats().get(1), true, 500 * MS);
        Strategy strategy = Strategies.create("least-latency", context);

        int slowFirst = 0;
        for (int i = 0; i < 10_000; i++) {
            slowFirst += strategy.plan(route.targets(), Routes.SMALL).get(0).index();
        }

        assertThat(slowFirst).isBetween(800, 1200);
    }
}
