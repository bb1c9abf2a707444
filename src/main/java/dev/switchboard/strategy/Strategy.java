package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Target;

/**
 * Orders a route's candidate targets into an attempt plan: the first target is tried first, and failover continues
 * along the plan, so every strategy composes with failover. One instance per route (it may keep per-route state, such
 * as a rotation), called concurrently on the event loop for every request: it must not block, and should allocate
 * little more than the plan itself.
 */
public interface Strategy {

    /** The YAML name this strategy is registered under. */
    String name();

    /**
     * The attempt plan for one request.
     *
     * @param candidates the route's targets this request may use, in policy order, never empty; not to be modified
     * @return the same targets, ordered; may be {@code candidates} itself
     */
    List<Target> plan(List<Target> candidates, RequestTraits traits);
}
