package dev.switchboard.routing;

import java.time.Duration;

import org.jboss.logging.Logger;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.RequestBody;

/**
 * Whether one request may try a target now, decided before any network I/O and at no cost in attempts: a prompt that
 * an earlier target found too long, a deadline the target would not meet, a rate-limit budget its provider reported
 * spent, and its provider's in-flight limit (max-concurrency, or the adaptive limit). A target that passes holds one
 * of its provider's in-flight slots, which its attempt scope returns. Remembers why targets were refused in the current
 * round of the plan, for the answer when every target was. Used by one request's attempt loop, never concurrently.
 */
final class TargetGate {

    private static final Logger LOGGER = Logger.getLogger(TargetGate.class);

    private final Route route;
    private final RouteRuntime runtime;
    private final Metrics metrics;
    private final Deadline deadline;
    private final TooLongPrompt tooLong;
    /** What the request may cost a provider's token budget: its prompt and the output it allows. */
    private final long estimatedTokens;
    /** Whether a target was skipped in this round because the time left was below its usual answer time. */
    private boolean tooLate;
    /** Whether a target was skipped in this round because its provider was at its in-flight limit. */
    private boolean saturated;
    /** Whether a target skipped in this round for its in-flight limit has an adaptive limit. */
    private boolean adaptiveFull;
    /** The next wait for an adaptive limit's slot; grows while the request keeps waiting. */
    private long slotWaitMillis = 5;
    /** The soonest a spent rate-limit budget of a target skipped in this round resets, or null. */
    private Duration budgetResetsIn;

    TargetGate(RouteRuntime runtime, Deadline deadline, TooLongPrompt tooLong, RequestBody request, Metrics metrics) {
        this.metrics = metrics;
        this.route = runtime.route();
        this.runtime = runtime;
        this.deadline = deadline;
        this.tooLong = tooLong;
        this.estimatedTokens = (long) request.estimatedPromptTokens() + request.maxTokens();
    }

    /** A new round of the plan: the reasons of the last one are forgotten. */
    void newRound() {
        tooLate = false;
        saturated = false;
        adaptiveFull = false;
        budgetResetsIn = null;
    }

    /**
     * Whether {@code target} may be tried; when it may, one in-flight slot of its provider is taken.
     *
     * @param tried whether this request tried the target before (a repeat waits the route's backoff first)
     */
    boolean admits(Target target, ProviderState state, boolean tried) {
        if (!tooLong.admits(target, tried)) {
            return false;
        }
        if (deadline.wouldOvershoot(runtime.stats(target), tried ? route.backoff() : Duration.ZERO)) {
            LOGGER.debugf("route '%s': skipping %s, it would not answer before the deadline", route.name(), target);
            tooLate = true;
            return false;
        }
        if (state.spec().rateLimit().admits() && !state.budget().admits(estimatedTokens)) {
            Duration resets = state.budget().availableIn(estimatedTokens);
            LOGGER.debugf("route '%s': skipping %s, its rate-limit budget is spent (about %d tokens asked; resets in "
                    + "%d ms)", route.name(), target, estimatedTokens, resets.toMillis());
            metrics.rateLimitSkip(target.provider());
            budgetResetsIn = budgetResetsIn == null || resets.compareTo(budgetResetsIn) < 0 ? resets : budgetResetsIn;
            return false;
        }
        int limit = state.inFlightLimit();
        if (!state.health().tryBegin(limit)) {
            LOGGER.debugf("route '%s': skipping %s, provider at its in-flight limit %d", route.name(), target, limit);
            saturated = true;
            adaptiveFull |= state.adaptive() != null;
            return false;
        }
        return true;
    }

    /** An admitted attempt goes out: its tokens are counted against its provider's reported budget. */
    void sending(ProviderState state) {
        if (state.spec().rateLimit().admits()) {
            state.budget().reserve(estimatedTokens);
        }
    }

    /**
     * After a round in which every target was refused: how long to wait before trying again because a provider with an
     * adaptive limit was full (5 ms, doubling to 100 ms per wait), or null when none was. An adaptive limit holds
     * requests back instead of shedding them; the deadline bounds the wait.
     */
    Duration slotWait() {
        if (!adaptiveFull) {
            return null;
        }
        Duration wait = Duration.ofMillis(slotWaitMillis);
        slotWaitMillis = Math.min(100, slotWaitMillis * 2);
        return wait;
    }

    boolean tooLate() {
        return tooLate;
    }

    boolean saturated() {
        return saturated;
    }

    /** When every target was refused and one for its spent budget: how soon the first budget resets; else null. */
    Duration budgetResetsIn() {
        return budgetResetsIn;
    }
}
