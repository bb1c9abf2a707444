package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class LeastConnectionsStrategyTest {

    @Test
    void picksTheTargetWithFewestRequestsInFlightTiesInOrder() {
        Route route = Routes.route("least-connections",
                List.of(Routes.target(0, 1), Routes.target(1, 1), Routes.target(2, 1)));
        StrategyContext context = Routes.context(route, 1);
        Strategy strategy = Strategies.create("least-connections", context);

        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(0, 1, 2);

        context.stats().get(0).begin();
        context.stats().get(0).begin();
        context.stats().get(1).begin();
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(2, 1, 0);

        context.stats().get(0).release();
        context.stats().get(0).release();
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(0, 2, 1);
    }
}
