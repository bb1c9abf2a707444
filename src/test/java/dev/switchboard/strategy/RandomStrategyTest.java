package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class RandomStrategyTest {

    private static double[] shares(String name, Route route) {
        Strategy strategy = Strategies.create(name, Routes.context(route, 42));
        double[] shares = new double[route.targets().size()];
        for (int i = 0; i < 20_000; i++) {
            List<Target> plan = strategy.plan(route.targets(), Routes.SMALL);
            assertThat(plan).containsExactlyInAnyOrderElementsOf(route.targets());
            shares[plan.get(0).index()] += 1 / 20_000d;
        }
        return shares;
    }

    @Test
    void picksUniformly() {
        double[] shares = shares("random", Routes.weighted(60, 30, 10));

        for (double share : shares) {
            assertThat(share).isCloseTo(1 / 3d, within(0.02));
        }
    }

    @Test
    void picksInProportionToWeightWhenWeighted() {
        double[] shares = shares("weighted-random", Routes.weighted(60, 30, 10));

        assertThat(shares[0]).isCloseTo(0.6, within(0.02));
        assertThat(shares[1]).isCloseTo(0.3, within(0.02));
        assertThat(shares[2]).isCloseTo(0.1, within(0.02));
    }
}
