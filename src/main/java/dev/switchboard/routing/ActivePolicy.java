package dev.switchboard.routing;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.switchboard.model.Route;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.provider.Provider;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.strategy.TargetStatsRegistry;

/**
 * One loaded policy version: its routing table, a live adapter for each provider, and each route's runtime state. A
 * request uses the snapshot it started with until it ends. Immutable (the runtimes inside are thread-safe).
 *
 * @param source the file it came from, or {@code built-in demo policy}
 * @param demo whether this is the built-in demo policy
 */
public record ActivePolicy(RoutingTable table, Map<String, Provider> providers, Map<String, ProviderState> states,
        Map<String, RouteRuntime> routes, TargetStatsRegistry stats, String source, boolean demo, Instant loadedAt) {

    public ActivePolicy {
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
        routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }

    /** Builds the route runtimes (strategies, affinity tables) of {@code table}. */
    public static ActivePolicy activate(RoutingTable table, Map<String, Provider> providers,
            Map<String, ProviderState> states, TargetStatsRegistry stats, String source, boolean demo,
            Instant loadedAt) {
        Map<String, RouteRuntime> routes = new LinkedHashMap<>();
        for (Route route : table.routes().values()) {
            routes.put(route.name(), new RouteRuntime(route, stats, ThreadLocalRandom::current));
        }
        return new ActivePolicy(table, providers, states, routes, stats, source, demo, loadedAt);
    }

    public ProviderState state(String provider) {
        return states.get(provider);
    }

    public Provider provider(String name) {
        Provider provider = providers.get(name);
        if (provider == null) {
            throw new IllegalStateException("no provider '" + name + "' in the active policy");
        }
        return provider;
    }

    /** The runtime of a policy route, or a fresh one for a {@code provider/model} pin. */
    // identity on purpose: a pin's one-target route may equal a policy route in value, but has no runtime of its own
    @SuppressWarnings("ReferenceEquality")
    RouteRuntime runtime(Route route) {
        RouteRuntime runtime = routes.get(route.name());
        return runtime != null && runtime.route() == route ? runtime
                : new RouteRuntime(route, stats, ThreadLocalRandom::current);
    }
}
