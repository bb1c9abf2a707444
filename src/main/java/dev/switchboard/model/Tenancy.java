package dev.switchboard.model;

import java.util.Map;

/**
 * How requests map to tenants. With no tenants defined every request is allowed everything.
 *
 * @param header the request header naming the tenant
 * @param defaultTenant the tenant of requests without the header, or null to reject them
 * @param tenants by name; empty when the policy defines none
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Tenancy(String header, String defaultTenant, Map<String, Tenant> tenants) {

    public Tenancy {
        tenants = Map.copyOf(tenants);
    }

    public boolean enabled() {
        return !tenants.isEmpty();
    }
}
