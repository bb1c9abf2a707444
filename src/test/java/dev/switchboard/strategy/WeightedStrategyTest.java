package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class WeightedStrategyTest {

    @Test
    void splitsFirstAttemptsByWeightWithinOnePercent() {
        Route route = Routes.weighted(60, 30, 10);
        Strategy strategy = Strategies.create("weighted", Routes.context(route, 1));
        int[] firsts = new int[3];

        for (int i = 0; i < 10_000; i++) {
            firsts[strategy.plan(route.targets(), Routes.SMALL).get(0).index()]++;
        }

        assertThat(firsts[0] / 10_000d).isCloseTo(0.60, within(0.01));
        assertThat(firsts[1] / 10_000d).isCloseTo(0.30, within(0.01));
        assertThat(firsts[2] / 10_000d).isCloseTo(0.10, within(0.01));
    }

    @Test
    void interleavesInsteadOfSendingBursts() {
        Route route = Routes.weighted(2, 1);
        Strategy strategy = Strategies.create("weighted", Routes.context(route, 1));

        StringBuilder sequence = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sequence.append(strategy.plan(route.targets(), Routes.SMALL).get(0).index());
        }

        assertThat(sequence.toString()).isEqualTo("010010010");
    }

    @Test
    void failsOverToTheOtherTargetsByDescendingWeight() {
        Route route = Routes.weighted(10, 30, 60);
        Strategy strategy = Strategies.create("weighted", Routes.context(route, 1));

        List<Target> plan = strategy.plan(route.targets(), Routes.SMALL);

        assertThat(plan).extracting(Target::index).containsExactly(2, 1, 0);
    }

    @Test
    void keepsTheProportionsAmongTheCandidatesLeft() {
        Route route = Routes.weighted(60, 30, 10);
        Strategy strategy = Strategies.create("weighted", Routes.context(route, 1));
        List<Target> withoutFirst = route.targets().subList(1, 3);
        int[] firsts = new int[3];

        for (int i = 0; i < 4_000; i++) {
            firsts[strategy.plan(withoutFirst, Routes.SMALL).get(0).index()]++;
        }

        assertThat(firsts[0]).isZero();
        assertThat(firsts[1]).isEqualTo(3_000);
        assertThat(firsts[2]).isEqualTo(1_000);
    }
}
