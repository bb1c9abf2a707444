package dev.switchboard.limits;

/**
 * What a take did: every counter was increased (and the totals are their values after), or none was because the
 * counter at {@link #refused()} would have gone past its limit.
 */
public final class Taken {

    /** Everything taken; totals unknown (an open fallback). */
    static final Taken UNCOUNTED = new Taken(-1, new long[0]);

    private final int refused;
    private final long[] totals;

    Taken(int refused, long[] totals) {
        this.refused = refused;
        this.totals = totals;
    }

    public boolean ok() {
        return refused < 0;
    }

    /** The index of the counter that refused, or -1. */
    public int refused() {
        return refused;
    }

    /** The total of counter {@code index} after the take, or -1 when unknown. */
    public long total(int index) {
        return ok() && index < totals.length ? totals[index] : -1;
    }
}
