package dev.switchboard.strategy;

import java.util.List;

import dev.switchboard.model.Route;
import dev.switchboard.model.Target;

/**
 * Orders a route's targets into an attempt plan: the first target is tried first, and failover continues along the
 * plan, so every strategy composes with failover. Implementations are called on the event loop for every request:
 * they must not block and should not allocate more than the plan itself. Thread-safe.
 */
public interface Strategy {

    /** The YAML name this strategy is registered under. */
    String name();

    /** The attempt plan for one request; never empty, holds only the route's own targets. */
    List<Target> plan(Route route);
}
