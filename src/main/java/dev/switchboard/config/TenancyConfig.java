package dev.switchboard.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code tenancy:} — how a request's tenant is found.
 *
 * @param header the request header naming the tenant (default {@code x-switchboard-tenant})
 * @param defaultTenant the tenant of requests without the header; null rejects them
 */
@RegisterForReflection
public record TenancyConfig(String header, String defaultTenant) {

    public static final TenancyConfig DEFAULT = new TenancyConfig(null, null);

    public TenancyConfig {
        header = header != null && !header.isBlank() ? header : "x-switchboard-tenant";
    }
}
