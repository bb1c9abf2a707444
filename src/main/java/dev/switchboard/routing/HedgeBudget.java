package dev.switchboard.routing;

/**
 * How many of a route's requests may hedge: every request earns {@code maxRate} of a hedge, a hedge spends one, and
 * the savings are capped at {@value #CAP} (a burst after a quiet spell), so a slow provider can never double the
 * route's traffic: at most {@code maxRate} of its requests start a second attempt, over any long run. The first hedge
 * is allowed at once. Thread-safe.
 */
final class HedgeBudget {

    static final double CAP = 10;

    private final double maxRate;
    private double balance = 1;

    HedgeBudget(double maxRate) {
        this.maxRate = maxRate;
    }

    /** A request of the route arrived. */
    synchronized void earn() {
        balance = Math.min(CAP, balance + maxRate);
    }

    /** Whether a hedge may start now; spends it when it may. */
    synchronized boolean trySpend() {
        if (balance >= 1) {
            balance -= 1;
            return true;
        }
        return false;
    }
}
