package dev.switchboard.limits;

/**
 * One counter of a take or a charge: its key (without the store's namespace), what to add, its limit, and when its
 * window ends (the key expires then).
 *
 * @param limit the most the counter may hold, or -1 for no limit (a charge never checks it)
 * @param windowEnd the end of the counter's window, epoch milliseconds
 */
public record Counter(String key, long amount, long limit, long windowEnd) {

    /** The same counter with another limit (a per-pod share). */
    Counter withLimit(long newLimit) {
        return new Counter(key, amount, newLimit, windowEnd);
    }
}
