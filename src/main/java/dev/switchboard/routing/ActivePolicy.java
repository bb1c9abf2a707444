package dev.switchboard.routing;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.switchboard.model.RoutingTable;
import dev.switchboard.provider.Provider;

/**
 * One loaded policy version: its routing table and a live adapter for each provider. A request uses the snapshot it
 * started with until it ends. Immutable.
 *
 * @param source the file it came from, or {@code built-in demo policy}
 * @param demo whether this is the built-in demo policy
 */
public record ActivePolicy(RoutingTable table, Map<String, Provider> providers, String source, boolean demo,
        Instant loadedAt) {

    public ActivePolicy {
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    public Provider provider(String name) {
        Provider provider = providers.get(name);
        if (provider == null) {
            throw new IllegalStateException("no provider '" + name + "' in the active policy");
        }
        return provider;
    }
}
