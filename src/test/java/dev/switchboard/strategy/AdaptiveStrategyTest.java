package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class AdaptiveStrategyTest {

    private static final long MS = 1_000_000;

    private final Route route = Routes.route("adaptive",
            List.of(Routes.target(0, 1), Routes.target(1, 1), Routes.target(2, 1)), Routes.exploring(0));
    private final StrategyContext context = Routes.context(route, 1);
    private final Strategy strategy = Strategies.create("adaptive", context);

    @Test
    void movesAwayFromATargetThatStartsFailing() {
        for (int i = 0; i < 5; i++) {
            Routes.sample(context.stats().get(0), false, 10 * MS);
            Routes.sample(context.stats().get(1), true, 10 * MS);
            Routes.sample(context.stats().get(2), true, 10 * MS);
        }

        assertThat(strategy.plan(route.targets(), Routes.SMALL).get(2).index()).isZero();
    }

    @Test
    void prefersTheFasterOfTwoHealthyTargets() {
        Routes.sample(context.stats().get(0), true, 900 * MS);
        Routes.sample(context.stats().get(1), true, 50 * MS);
        Routes.sample(context.stats().get(2), true, 400 * MS);

        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(1, 2, 0);
    }

    @Test
    void passesOverABusyTarget() {
        for (int i = 0; i < 3; i++) {
            Routes.sample(context.stats().get(i), true, 100 * MS);
        }
        context.stats().get(0).begin();
        context.stats().get(0).begin();

        assertThat(strategy.plan(route.targets(), Routes.SMALL).get(0).index()).isEqualTo(1);
    }

    @Test
    void recoversWhenTheFailingTargetSucceedsAgain() {
        for (int i = 0; i < 5; i++) {
            Routes.sample(context.stats().get(0), false, 10 * MS);
            Routes.sample(context.stats().get(1), true, 10 * MS);
            Routes.sample(context.stats().get(2), true, 10 * MS);
        }
        for (int i = 0; i < 15; i++) {
            Routes.sample(context.stats().get(0), true, 5 * MS);
        }

        assertThat(strategy.plan(route.targets(), Routes.SMALL).get(0).index()).isZero();
    }
}
