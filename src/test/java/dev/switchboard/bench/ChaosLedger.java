package dev.switchboard.bench;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the fakes saw: every attempt that reached them, by request id (the chaos client puts it in the body's
 * {@code user} field, which the proxy passes through), and how many times each fault was injected. Thread-safe.
 */
final class ChaosLedger {

    /**
     * One attempt that reached a fake: answered properly ({@code fault == null}) or faulted; {@code nanos} is
     * {@link System#nanoTime()} when its body arrived.
     */
    record Hit(String provider, ChaosFault fault, long nanos) {
        @Override
        public String toString() {
            return provider + ":" + (fault == null ? "ok" : fault.name());
        }
    }

    private final Map<Integer, Queue<Hit>> hits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder unidentified = new LongAdder();
    /** Hung or stalled connections the proxy had not closed well after its timeout. */
    private final LongAdder leftOpen = new LongAdder();
    /** Late answers (slow first token) that found the proxy's connection still open. */
    private final LongAdder lateAnswersWritten = new LongAdder();

    void record(int id, String provider, boolean stream, ChaosFault fault) {
        if (id < 0) {
            unidentified.increment();
        } else {
            hits.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(new Hit(provider, fault, System.nanoTime()));
        }
        count(provider + "|" + (fault == null ? "ok" : fault.name()) + "|" + stream);
        count(provider);
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private long get(String key) {
        LongAdder adder = counts.get(key);
        return adder == null ? 0 : adder.sum();
    }

    /** The attempts of request {@code id} that reached a fake, in arrival order. */
    List<Hit> hits(int id) {
        Queue<Hit> queue = hits.get(id);
        return queue == null ? List.of() : List.copyOf(queue);
    }

    /** Attempts of the counted requests. */
    long attempts(String provider) {
        return get(provider);
    }

    /** Warm-up requests, which have no request id and are left out of every other count. */
    void recordWarmup(String provider) {
        count(provider + "|warmup");
    }

    long attemptsWithWarmup(String provider) {
        return get(provider) + get(provider + "|warmup");
    }

    long answered(String provider) {
        return get(provider + "|ok|true") + get(provider + "|ok|false");
    }

    long injected(String provider, ChaosFault fault, boolean stream) {
        return get(provider + "|" + fault.name() + "|" + stream);
    }

    long unidentified() {
        return unidentified.sum();
    }

    /** Held (hung or stalled) answers whose left-open check has not run yet. */
    private final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();

    void holdStarted() {
        holding.incrementAndGet();
    }

    void holdChecked() {
        holding.decrementAndGet();
    }

    int holding() {
        return holding.get();
    }

    void leftOpen() {
        leftOpen.increment();
    }

    long leftOpenCount() {
        return leftOpen.sum();
    }

    void lateAnswerWritten() {
        lateAnswersWritten.increment();
    }

    long lateAnswersWrittenCount() {
        return lateAnswersWritten.sum();
    }
}
