package dev.switchboard.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes by alias and providers by name: what one policy version says. Immutable and thread-safe.
 *
 * @param routes in policy order
 * @param providers in policy order
 * @param pinnedMaxAttempts attempt budget of a {@code provider/model} request ({@code defaults.retry.max-attempts})
 * @param pinnedBackoff backoff of a {@code provider/model} request ({@code defaults.retry.backoff})
 */
public record RoutingTable(Map<String, Route> routes, Map<String, ProviderSpec> providers, int pinnedMaxAttempts,
        Duration pinnedBackoff) {

    public RoutingTable {
        routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    /**
     * The route for a request's {@code model}: a route alias first; otherwise {@code provider/model} pins one provider
     * (split at the first '/', so model ids may contain '/' themselves). Empty when neither matches.
     */
    public Optional<Route> resolve(String model) {
        Route route = routes.get(model);
        if (route != null) {
            return Optional.of(route);
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1 && providers.containsKey(model.substring(0, slash))) {
            Target target = new Target(model.substring(0, slash), model.substring(slash + 1), 1);
            return Optional.of(new Route(model, "failover", List.of(target), pinnedMaxAttempts, pinnedBackoff));
        }
        return Optional.empty();
    }
}
