package dev.switchboard.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import dev.switchboard.schema.RateLimitHeaders;

/**
 * One provider's rate-limit budget as its own headers last reported it, less what Switchboard sent since: requests and
 * tokens left until each resets. Before an attempt, {@link #admits} says whether its estimated tokens fit; an admitted
 * attempt is {@linkplain #reserve reserved} at once, so concurrent requests between two reports do not all see the
 * same budget. The next report replaces the estimate (the provider's count is the truth). A budget whose reset has
 * passed, or that was never reported, admits everything. Thread-safe.
 */
public final class RateBudget implements Consumer<RateLimitHeaders> {

    private final Clock clock;
    private long requests = -1;
    private long requestsResetAt;
    private long tokens = -1;
    private long tokensResetAt;

    public RateBudget(Clock clock) {
        this.clock = clock;
    }

    /**
     * A count reported without its reset holds this long: the providers' limits are per minute, and a budget that
     * never resets would shut the provider out for good.
     */
    static final long UNSTATED_RESET_MILLIS = 60_000;

    /** A provider's report, from an answer's headers. */
    @Override
    public synchronized void accept(RateLimitHeaders report) {
        long now = clock.millis();
        if (report.requests() >= 0) {
            requests = report.requests();
            requestsResetAt = report.requestsResetAt() > 0 ? report.requestsResetAt() : now + UNSTATED_RESET_MILLIS;
        }
        if (report.tokens() >= 0) {
            tokens = report.tokens();
            tokensResetAt = report.tokensResetAt() > 0 ? report.tokensResetAt() : now + UNSTATED_RESET_MILLIS;
        }
    }

    /** Whether a request of about {@code estimatedTokens} fits what is left now. */
    public synchronized boolean admits(long estimatedTokens) {
        long now = clock.millis();
        return !(live(requests, requestsResetAt, now) && requests < 1)
                && !(live(tokens, tokensResetAt, now) && tokens < estimatedTokens);
    }

    /** An admitted request of about {@code estimatedTokens} goes out: counted until the next report. */
    public synchronized void reserve(long estimatedTokens) {
        long now = clock.millis();
        if (live(requests, requestsResetAt, now)) {
            requests = Math.max(0, requests - 1);
        }
        if (live(tokens, tokensResetAt, now)) {
            tokens = Math.max(0, tokens - estimatedTokens);
        }
    }

    /** How long until a spent budget resets (zero when nothing is spent). */
    public synchronized Duration availableIn(long estimatedTokens) {
        long now = clock.millis();
        long until = now;
        if (live(requests, requestsResetAt, now) && requests < 1) {
            until = Math.max(until, requestsResetAt);
        }
        if (live(tokens, tokensResetAt, now) && tokens < estimatedTokens) {
            until = Math.max(until, tokensResetAt);
        }
        return Duration.ofMillis(until - now);
    }

    /** Requests left as last estimated, or -1 when unknown or past its reset. */
    public synchronized long requestsLeft() {
        return live(requests, requestsResetAt, clock.millis()) ? requests : -1;
    }

    /** Tokens left as last estimated, or -1 when unknown or past its reset. */
    public synchronized long tokensLeft() {
        return live(tokens, tokensResetAt, clock.millis()) ? tokens : -1;
    }

    /** Whether a reported count still holds: reported, and its reset not yet passed. */
    private static boolean live(long count, long resetAt, long now) {
        return count >= 0 && now < resetAt;
    }
}
