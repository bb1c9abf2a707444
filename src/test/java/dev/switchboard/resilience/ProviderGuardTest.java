package dev.switchboard.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.switchboard.config.DefaultsConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.testing.ManualClock;

/**
 * The 429 pause and Retry-After on an injected clock: no wall time passes in these tests. (The breaker's own open →
 * half-open delay is measured by SmallRye Fault Tolerance with a stopwatch it does not let us replace; the breaker
 * tests configure a one-second delay instead of waiting 30 s.)
 */
class ProviderGuardTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final ProviderGuard guard = new ProviderGuard(DefaultsConfig.BUILT_IN_BREAKER,
            new RateLimitConfig(Duration.ofSeconds(5), Duration.ofSeconds(60)), clock);

    private Optional<ProviderGuard.Permit> admit() {
        return guard.admit().await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void pausesForTheRetryAfterSecondsAndAdmitsAgainWhenTheyHavePassed() {
        guard.throttled("2");

        assertThat(guard.paused()).isTrue();
        assertThat(admit()).isEmpty();
        assertThat(guard.availableIn()).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(1999));
        assertThat(admit()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.paused()).isFalse();
        assertThat(admit()).isPresent();
    }

    @Test
    void readsRetryAfterAsAnHttpDate() {
        guard.throttled(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(clock.instant()
                .plusSeconds(7), ZoneOffset.UTC)));

        assertThat(guard.availableIn()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void usesTheDefaultPauseWithoutRetryAfterAndCapsALongOne() {
        guard.throttled(null);
        assertThat(guard.availableIn()).isEqualTo(Duration.ofSeconds(5));

        guard.throttled("3600");
        assertThat(guard.availableIn()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aThrottledOutcomePausesButDoesNotCountAgainstTheBreaker() {
        for (int i = 0; i < 50; i++) {
            ProviderGuard.Permit permit = admit().orElseThrow();
            Outcome.of(429, null, "1").settle(guard, permit);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(guard.state()).isEqualTo(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED);
    }
}
