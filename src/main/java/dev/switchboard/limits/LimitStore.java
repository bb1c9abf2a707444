package dev.switchboard.limits;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** Where shared counters live. Atomic per call; windows are fixed and their keys expire with them. */
interface LimitStore {

    /** Adds every counter's amount if none would pass its limit, else adds nothing. */
    Uni<Taken> take(List<Counter> counters);

    /** Adds every counter's amount (negative: gives back), without checking limits. */
    Uni<Void> add(List<Counter> counters);

    /** Raises every counter to at least its amount (a provider's own report of what is used). */
    Uni<Void> raise(List<Counter> counters);
}
