package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class RoundRobinStrategyTest {

    @Test
    void rotatesStrictlyAndFailsOverToTheNextInTurn() {
        Route route = Routes.route("round-robin", List.of(Routes.target(0, 1), Routes.target(1, 1), Routes.target(2, 1)));
        Strategy strategy = Strategies.create("round-robin", Routes.context(route, 1));

        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(0, 1, 2);
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(1, 2, 0);
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(2, 0, 1);
        assertThat(strategy.plan(route.targets(), Routes.SMALL)).extracting(Target::index).containsExactly(0, 1, 2);
    }

    @Test
    void alternatesExactlyBetweenTwo() {
        Route route = Routes.route("round-robin", List.of(Routes.target(0, 1), Routes.target(1, 1)));
        Strategy strategy = Strategies.create("round-robin", Routes.context(route, 1));

        StringBuilder sequence = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sequence.append(strategy.plan(route.targets(), Routes.SMALL).get(0).index());
        }

        assertThat(sequence.toString()).isEqualTo("0101010101");
    }
}
