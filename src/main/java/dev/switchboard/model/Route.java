package dev.switchboard.model;

import java.time.Duration;
import java.util.List;

/**
 * A model alias and the targets behind it.
 *
 * @param name the alias callers put in {@code model}, or {@code provider/model} for a pinned request
 * @param strategy the strategy's YAML name
 * @param targets in policy order, never empty; {@code targets.get(i).index() == i}
 * @param maxAttempts total attempts one request may make (>= 1)
 * @param backoff pause before an attempt that repeats a target this request already tried
 * @param options capability-aware ordering, affinity and exploration
 * @param requestTimeout bound on all attempts together (a stream included), or null for none
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Route(String name, String strategy, List<Target> targets, int maxAttempts, Duration backoff,
        Options options, Duration requestTimeout) {

    public Route {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("route '" + name + "' has no targets");
        }
    }

    /**
     * How a route orders its plan beyond its strategy, and what it remembers.
     *
     * @param preferFastForSimple order simple requests' plans by speed
     * @param preferQualityForComplex order complex requests' plans by quality
     * @param complexityThreshold estimated prompt tokens above which a request is complex
     * @param affinity session affinity, or null
     * @param exploration share of decisions a learning strategy spends on a target that is not its best
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Options(boolean preferFastForSimple, boolean preferQualityForComplex, int complexityThreshold,
            Affinity affinity, double exploration, Hedge hedge) {

        public static final Options DEFAULT = new Options(false, false, 2000, null, 0.05, null);
    }

    /**
     * First-token hedging: when an attempt's first token is later than {@code after} (or, with {@code percentile}
     * above 0, than that percentile of the target's observed times to first token), the next target starts as well.
     *
     * @param after the fixed threshold, or null with a percentile
     * @param percentile 0.5 to 0.99, or 0 with a fixed threshold
     * @param maxRate the most requests of the route that may hedge, in (0, 1]
     */
    public record Hedge(Duration after, double percentile, double maxRate) {
    }

    /**
     * Session affinity: which key keeps a caller on one target, and for how long.
     *
     * @param header the header holding the key, or null for the body's {@code user} field
     * @param ttl how long an unused pin is kept
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Affinity(String header, Duration ttl) {
    }
}
