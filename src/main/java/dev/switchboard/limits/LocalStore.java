package dev.switchboard.limits;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;

/**
 * Counters in this process: the store of a single pod (and of the demo and the tests), and the per-pod fallback while
 * Redis cannot be reached. Thread-safe (one lock; a take is a few map operations).
 */
final class LocalStore implements LimitStore {

    /** Past this many counters, expired ones are swept on the next write. */
    private static final int SWEEP_AT = 10_000;

    private final LongSupplier clock;
    private final Map<String, long[]> counters = new HashMap<>();

    LocalStore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public Uni<Taken> take(List<Counter> wanted) {
        return Uni.createFrom().item(takeNow(wanted));
    }

    synchronized Taken takeNow(List<Counter> wanted) {
        long now = clock.getAsLong();
        for (int i = 0; i < wanted.size(); i++) {
            Counter counter = wanted.get(i);
            long current = value(counter.key(), now);
            if (counter.limit() >= 0 && current + counter.amount() > counter.limit()) {
                return new Taken(i, new long[] { current });
            }
        }
        long[] totals = new long[wanted.size()];
        for (int i = 0; i < wanted.size(); i++) {
            totals[i] = addNow(wanted.get(i), now);
        }
        return new Taken(-1, totals);
    }

    @Override
    public Uni<Void> add(List<Counter> wanted) {
        addAll(wanted);
        return Uni.createFrom().voidItem();
    }

    synchronized void addAll(List<Counter> wanted) {
        long now = clock.getAsLong();
        wanted.forEach(counter -> addNow(counter, now));
    }

    @Override
    public Uni<Void> raise(List<Counter> wanted) {
        raiseAll(wanted);
        return Uni.createFrom().voidItem();
    }

    synchronized void raiseAll(List<Counter> wanted) {
        long now = clock.getAsLong();
        for (Counter counter : wanted) {
            long current = value(counter.key(), now);
            if (current < counter.amount()) {
                addNow(new Counter(counter.key(), counter.amount() - current, -1, counter.windowEnd()), now);
            }
        }
    }

    /** The counters whose windows are still open, and empties the store: what a recovered Redis must be told. */
    synchronized Map<String, long[]> drain() {
        long now = clock.getAsLong();
        Map<String, long[]> open = new HashMap<>();
        counters.forEach((key, entry) -> {
            if (entry[1] > now && entry[0] != 0) {
                open.put(key, entry.clone());
            }
        });
        counters.clear();
        return open;
    }

    synchronized long get(String key) {
        return value(key, clock.getAsLong());
    }

    private long value(String key, long now) {
        long[] entry = counters.get(key);
        return entry == null || entry[1] <= now ? 0 : entry[0];
    }

    private long addNow(Counter counter, long now) {
        if (counters.size() >= SWEEP_AT) {
            for (Iterator<long[]> it = counters.values().iterator(); it.hasNext();) {
                if (it.next()[1] <= now) {
                    it.remove();
                }
            }
        }
        long[] entry = counters.get(counter.key());
        if (entry == null || entry[1] <= now) {
            entry = new long[] { 0, counter.windowEnd() };
            counters.put(counter.key(), entry);
        }
        entry[0] += counter.amount();
        return entry[0];
    }
}
