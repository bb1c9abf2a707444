package dev.switchboard.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The first-token percentiles that hedging reads. */
class TargetStatsTest {

    private static final long MS = 1_000_000;

    @Test
    void noPercentileUntilEnoughSamples() {
        TargetStats stats = new TargetStats();
        for (int i = 0; i < TargetStats.MIN_SAMPLES - 1; i++) {
            stats.firstToken(100 * MS);
        }
        assertThat(stats.firstTokenPercentile(0.95)).isEqualTo(-1);

        stats.firstToken(100 * MS);
        assertThat(stats.firstTokenPercentile(0.95)).isEqualTo(100 * MS);
    }

    @Test
    void percentilesOfTheRecentWindowOfStreamsAndSuccessfulAnswers() {
        TargetStats stats = new TargetStats();
        for (int i = 1; i <= 100; i++) {
            stats.firstToken(i * MS);
        }
        // the window holds the last 64: 37..100 ms
        assertThat(stats.firstTokenPercentile(0.5)).isEqualTo(68 * MS);
        assertThat(stats.firstTokenPercentile(0.95)).isEqualTo(97 * MS);

        for (int i = 0; i < TargetStats.WINDOW; i++) {
            stats.complete(false, 5_000 * MS);
        }
        // failures are no first tokens
        assertThat(stats.firstTokenPercentile(0.95)).isEqualTo(97 * MS);
    }
}
