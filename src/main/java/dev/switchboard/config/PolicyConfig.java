package dev.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The whole policy file. Maps keep the YAML order (failover plans and {@code /v1/models} listings follow it).
 * Cross-references (a target naming a provider) are checked by {@link PolicyReferences}, which knows every path.
 */
@RegisterForReflection
public record PolicyConfig(DefaultsConfig defaults, Map<String, ProviderConfig> providers,
        Map<String, RouteConfig> routes, String defaultRoute, TenancyConfig tenancy, Map<String, TenantConfig> tenants,
        String readiness, SharedLimitsConfig sharedLimits) {

    /** What {@code readiness} may say. */
    public static final java.util.List<String> READINESS_MODES = java.util.List.of("policy", "any-provider",
            "every-route");

    public PolicyConfig {
        readiness = readiness != null ? readiness : "policy";
        if (!READINESS_MODES.contains(readiness)) {
            throw new ConfigViolation("readiness", "must be one of policy, any-provider, every-route; got '" + readiness
                    + "'");
        }
        defaults = defaults != null ? defaults : DefaultsConfig.BUILT_IN;
        providers = requireEntries("providers", providers);
        routes = requireEntries("routes", routes);
        tenancy = tenancy != null ? tenancy : TenancyConfig.DEFAULT;
        tenants = tenants == null ? Map.of() : requireEntries("tenants", tenants);
        sharedLimits = sharedLimits != null ? sharedLimits : SharedLimitsConfig.DEFAULT;
    }

    /** Whether requests are checked against tenants at all (a {@code tenants:} section exists). */
    public boolean multiTenant() {
        return !tenants.isEmpty();
    }

    private static <T> Map<String, T> requireEntries(String key, Map<String, T> map) {
        if (map == null || map.isEmpty()) {
            throw new ConfigViolation(key, "at least one entry is required");
        }
        for (Map.Entry<String, T> entry : map.entrySet()) {
            if (entry.getValue() == null) {
                throw new ConfigViolation(key + "." + entry.getKey(), "must be a mapping, not empty");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
