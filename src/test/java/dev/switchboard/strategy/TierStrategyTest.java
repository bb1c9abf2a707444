package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class TierStrategyTest {

    // speed, quality, price
    private static final Target FAST_CHEAP = Routes.target(0, 3, 1, new Target.Price(0.15, 0.60), 0);
    private static final Target SMART_PRICEY = Routes.target(1, 1, 3, new Target.Price(15, 75), 0);
    private static final Target ALL_ROUNDER = Routes.target(2, 2, 2, new Target.Price(3, 15), 0);
    private static final Target SMART_CHEAPER = Routes.target(3, 1, 3, new Target.Price(5, 25), 0);
    private static final List<Target> TARGETS = List.of(FAST_CHEAP, SMART_PRICEY, ALL_ROUNDER, SMART_CHEAPER);

    private static List<Target> plan(String name) {
        Route route = Routes.route(name, TARGETS);
        return Strategies.create(name, Routes.context(route, 1)).plan(TARGETS, Routes.SMALL);
    }

    @Test
    void costPutsTheCheapestFirst() {
        assertThat(plan("cost")).containsExactly(FAST_CHEAP, ALL_ROUNDER, SMART_CHEAPER, SMART_PRICEY);
    }

    @Test
    void qualityPutsTheBestFirstAndTheCheaperOfEqualsBefore() {
        assertThat(plan("quality")).containsExactly(SMART_CHEAPER, SMART_PRICEY, ALL_ROUNDER, FAST_CHEAP);
    }

    @Test
    void balancedWeighsQualityAndSpeedThenCost() {
        // quality + speed: 4, 4, 4, 4: all equal, so cost decides
        assertThat(plan("balanced")).containsExactly(FAST_CHEAP, ALL_ROUNDER, SMART_CHEAPER, SMART_PRICEY);

        Target best = Routes.target(4, 3, 3, null, 0);
        List<Target> targets = List.of(FAST_CHEAP, best);
        assertThat(Strategies.create("balanced", Routes.context(Routes.route("balanced", targets), 1))
                .plan(targets, Routes.SMALL)).containsExactly(best, FAST_CHEAP);
    }
}
