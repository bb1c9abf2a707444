package dev.switchboard.model;

import java.time.Duration;
import java.util.List;

/**
 * A model alias and the targets behind it.
 *
 * @param name the alias callers put in {@code model}, or {@code provider/model} for a pinned request
 * @param strategy the strategy's YAML name
 * @param targets in policy order, never empty
 * @param maxAttempts total attempts one request may make (>= 1)
 * @param backoff pause before an attempt that repeats a target this request already tried
 */
public record Route(String name, String strategy, List<Target> targets, int maxAttempts, Duration backoff) {

    public Route {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("route '" + name + "' has no targets");
        }
    }
}
