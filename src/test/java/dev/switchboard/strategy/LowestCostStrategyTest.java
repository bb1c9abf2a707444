package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

class LowestCostStrategyTest {

    // prompt-heavy vs completion-heavy pricing: which is cheaper depends on the request
    private static final Target PROMPT_CHEAP = Routes.target(0, 2, 2, new Target.Price(0.10, 10.0), 0);
    private static final Target COMPLETION_CHEAP = Routes.target(1, 2, 2, new Target.Price(2.00, 0.50), 0);
    private static final Target MIDDLE = Routes.target(2, 2, 2, new Target.Price(1.00, 4.00), 0);
    private static final Route ROUTE = Routes.route("lowest-cost", List.of(PROMPT_CHEAP, COMPLETION_CHEAP, MIDDLE));

    private final Strategy strategy = Strategies.create("lowest-cost", Routes.context(ROUTE, 1));

    @Test
    void ordersByEstimatedCostOfThisRequest() {
        // long prompt, short answer: 100k prompt tokens, 10 completion tokens
        assertThat(strategy.plan(ROUTE.targets(), new RequestTraits(100_000, 10, true)))
                .containsExactly(PROMPT_CHEAP, MIDDLE, COMPLETION_CHEAP);
        // short prompt, long answer
        assertThat(strategy.plan(ROUTE.targets(), new RequestTraits(100, 4_000, false)))
                .containsExactly(COMPLETION_CHEAP, MIDDLE, PROMPT_CHEAP);
    }

    @Test
    void assumesACompletionLengthWhenMaxTokensIsAbsent() {
        RequestTraits traits = new RequestTraits(1_000, 0, false);

        assertThat(traits.completionTokens()).isEqualTo(RequestTraits.ASSUMED_COMPLETION_TOKENS);
        // 1000 * 0.10 + 256 * 10 = 2660 vs 1000 * 2 + 256 * 0.5 = 2128 vs 1000 + 1024 = 2024 (per 1M)
        assertThat(strategy.plan(ROUTE.targets(), traits)).containsExactly(MIDDLE, COMPLETION_CHEAP, PROMPT_CHEAP);
    }
}
