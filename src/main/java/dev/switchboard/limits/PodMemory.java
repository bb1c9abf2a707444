package dev.switchboard.limits;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this pod remembers of the shared counters between calls to the store: the last total it saw of each, each
 * tenant's average answer size, and which soft limits it has logged. Thread-safe; entries end with their windows.
 */
public final class PodMemory {

    /** The last total this pod saw of each counter (from its takes and raises), with its window's end. */
    private final Map<String, long[]> seen = new ConcurrentHashMap<>();
    /** Each tenant's answers' moving average size in tokens. */
    private final Map<String, Double> sizes = new ConcurrentHashMap<>();
    /** Counters whose soft limit this pod has logged, with their windows' ends. */
    private final Map<String, Long> warned = new ConcurrentHashMap<>();

    /** A take's totals ({@code taken.total(i)} for {@code counters.get(i)}; negative: not counted). */
    void saw(List<Counter> counters, Taken taken) {
        for (int i = 0; i < counters.size(); i++) {
            long total = taken.total(i);
            if (total >= 0) {
                seen.put(counters.get(i).key(), new long[] { total, counters.get(i).windowEnd() });
            }
        }
    }

    /** Counters raised to at least their amounts: what was seen goes up, never down, within a window. */
    void raised(List<Counter> counters) {
        counters.forEach(c -> seen.merge(c.key(), new long[] { c.amount(), c.windowEnd() },
                (old, raised) -> old[1] == raised[1] && old[0] >= raised[0] ? old : raised));
    }

    /** The last total this pod saw of counter {@code key} in its current window, or 0. */
    public long seen(String key) {
        long[] entry = seen.get(key);
        if (entry == null || entry[1] <= System.currentTimeMillis()) {
            if (entry != null) {
                seen.remove(key, entry);
            }
            return 0;
        }
        return entry[0];
    }

    /**
     * A tenant's answer used {@code tokens}: the moving average of its answers' sizes, which a request without
     * {@code max_tokens} is estimated by, so that requests in flight at once reserve about what they will use.
     */
    public void learn(String tenant, long tokens) {
        sizes.merge(tenant, (double) tokens, (old, now) -> old + 0.2 * (now - old));
    }

    /** The tenant's answers' average size in tokens, or 0 before its first answer in this pod. */
    public long expected(String tenant) {
        Double size = sizes.get(tenant);
        return size == null ? 0 : Math.round(size);
    }

    /** Whether this is the first time this pod is told of {@code counter} passing a soft limit in its window. */
    public boolean firstWarning(Counter counter) {
        long now = System.currentTimeMillis();
        warned.values().removeIf(end -> end <= now);
        return warned.putIfAbsent(counter.key(), counter.windowEnd()) == null;
    }
}
