package dev.switchboard.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes by alias, providers by name, and tenants: what one policy version says. Immutable and thread-safe.
 *
 * @param routes in policy order
 * @param providers in policy order
 * @param pinnedMaxAttempts attempt budget of a {@code provider/model} request ({@code defaults.retry.max-attempts})
 * @param pinnedBackoff backoff of a {@code provider/model} request ({@code defaults.retry.backoff})
 * @param pinnedRequestTimeout request timeout of a {@code provider/model} request ({@code defaults.request-timeout}),
 *        or null
 * @param allowPinning whether {@code provider/model} requests are allowed ({@code defaults.allow-pinning})
 * @param defaultRoute the route for models that match nothing, or null
 * @param tenancy tenants and how requests find theirs
 * @param readiness what gates readiness: policy, any-provider or every-route
 * @param warnings what the policy should change but still loads with (deprecated keys), with YAML paths
 */
public record RoutingTable(Map<String, Route> routes, Map<String, ProviderSpec> providers, int pinnedMaxAttempts,
        Duration pinnedBackoff, Duration pinnedRequestTimeout, boolean allowPinning, String defaultRoute, Tenancy tenancy,
        String readiness, List<String> warnings, SharedLimits sharedLimits) {

    /**
     * What budgets and quotas do while their shared store cannot be reached.
     *
     * @param onStoreFailure per-pod, open or closed
     * @param pods the pod count a per-pod share divides by, or 0 for the pods seen in the store lately
     */
    public record SharedLimits(String onStoreFailure, int pods) {
    }

    public RoutingTable {
        warnings = List.copyOf(warnings);
        routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    /** The route alias {@code model} names, if any. */
    public Optional<Route> route(String model) {
        return Optional.ofNullable(routes.get(model));
    }

    /**
     * The one-target route of a {@code provider/model} request (split at the first '/', so model ids may contain '/'
     * themselves), if {@code model} has that form and names a configured provider.
     */
    public Optional<Route> pin(String model) {
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1 || !providers.containsKey(model.substring(0, slash))) {
            return Optional.empty();
        }
        Target target = Target.plain(model.substring(0, slash), model.substring(slash + 1));
        return Optional.of(new Route(model, "failover", List.of(target), pinnedMaxAttempts, pinnedBackoff,
                Route.Options.DEFAULT, pinnedRequestTimeout));
    }
}
