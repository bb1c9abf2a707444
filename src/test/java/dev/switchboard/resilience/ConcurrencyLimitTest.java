package dev.switchboard.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The AIMD arithmetic of the adaptive limit: what lowers it, by how much, how often, and what raises it. */
class ConcurrencyLimitTest {

    private static final long MS = 1_000_000;

    @Test
    void startsAt20CappedByMaxConcurrency() {
        assertThat(new ConcurrencyLimit(0).limit()).isEqualTo(20);
        assertThat(new ConcurrencyLimit(8).limit()).isEqualTo(8);
    }

    @Test
    void aBurstOf429sFromOneOverloadHalvesTheLimitOnce() {
        ConcurrencyLimit limit = new ConcurrencyLimit(0);
        long sent = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            limit.throttled(sent);
        }
        assertThat(limit.limit()).isEqualTo(10);

        // an attempt sent after that decrease can lower it again
        limit.throttled(System.nanoTime());
        assertThat(limit.limit()).isEqualTo(5);
    }

    @Test
    void neverFallsBelowOne() {
        ConcurrencyLimit limit = new ConcurrencyLimit(0);
        for (int i = 0; i < 20; i++) {
            limit.throttled(System.nanoTime());
        }
        assertThat(limit.limit()).isEqualTo(1);
    }

    @Test
    void growsByOnePerLimitsWorthOfSuccessesWhileInUseUpToMaxConcurrency() {
        ConcurrencyLimit limit = new ConcurrencyLimit(22);
        // +1/limit per success: a little over twenty successes make one more slot
        for (int i = 0; i < 22; i++) {
            limit.succeeded(System.nanoTime(), -1, 20);
        }
        assertThat(limit.limit()).isEqualTo(21);
        for (int i = 0; i < 100; i++) {
            limit.succeeded(System.nanoTime(), -1, 20);
        }
        assertThat(limit.limit()).isEqualTo(22);
    }

    @Test
    void doesNotGrowWhileMostlyIdle() {
        ConcurrencyLimit limit = new ConcurrencyLimit(0);
        for (int i = 0; i < 100; i++) {
            limit.succeeded(System.nanoTime(), -1, 2);
        }
        assertThat(limit.limit()).isEqualTo(20);
    }

    @Test
    void aFirstTokenOverTwiceItsBaselineLowersTheLimitByATenth() {
        ConcurrencyLimit limit = new ConcurrencyLimit(0);
        limit.succeeded(System.nanoTime(), 100 * MS, 1);
        limit.succeeded(System.nanoTime(), 150 * MS, 1);
        assertThat(limit.limit()).isEqualTo(20);

        limit.succeeded(System.nanoTime(), 400 * MS, 1);
        assertThat(limit.limit()).isEqualTo(18);
    }
}
