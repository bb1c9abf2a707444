package dev.switchboard.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.switchboard.schema.RateLimitHeaders;
import dev.switchboard.testing.ManualClock;

/** The estimate of a provider's budget: reported, reserved, reset. */
class RateBudgetTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final RateBudget budget = new RateBudget(clock);

    @Test
    void admitsEverythingUntilTheProviderReports() {
        assertThat(budget.admits(1_000_000)).isTrue();
        assertThat(budget.tokensLeft()).isEqualTo(-1);
    }

    @Test
    void reservesWhatIsSentUntilTheNextReport() {
        budget.accept(new RateLimitHeaders(10, clock.millis() + 60_000, 2_500, clock.millis() + 60_000));
        assertThat(budget.admits(1_000)).isTrue();
        budget.reserve(1_000);
        budget.reserve(1_000);

        assertThat(budget.tokensLeft()).isEqualTo(500);
        assertThat(budget.admits(1_000)).isFalse();
        assertThat(budget.availableIn(1_000)).isEqualTo(Duration.ofSeconds(60));

        budget.accept(new RateLimitHeaders(8, clock.millis() + 60_000, 2_000, clock.millis() + 60_000));
        assertThat(budget.admits(1_000)).isTrue();
    }

    @Test
    void noRequestsLeftRefusesEvenASmallRequest() {
        budget.accept(new RateLimitHeaders(0, clock.millis() + 1_000, -1, 0));
        assertThat(budget.admits(1)).isFalse();
    }

    @Test
    void aSpentBudgetAdmitsAgainAtItsReset() {
        budget.accept(new RateLimitHeaders(-1, 0, 10, clock.millis() + 5_000));
        assertThat(budget.admits(100)).isFalse();

        clock.advance(Duration.ofSeconds(5));
        assertThat(budget.admits(100)).isTrue();
        assertThat(budget.tokensLeft()).isEqualTo(-1);
    }

    @Test
    void aCountWithoutItsResetHoldsAMinute() {
        budget.accept(new RateLimitHeaders(-1, 0, 10, 0));
        clock.advance(Duration.ofSeconds(59));
        assertThat(budget.admits(100)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(budget.admits(100)).isTrue();
    }
}
