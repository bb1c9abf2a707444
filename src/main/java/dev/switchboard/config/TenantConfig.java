package dev.switchboard.config;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code tenants.<name>:} — what one tenant may use. Null lists allow everything.
 *
 * @param allowedModels what the tenant may put in {@code model}: route aliases, {@code provider/model} pins, or
 *        patterns ending in {@code *} ({@code openai/*}, {@code *})
 * @param allowedProviders providers the tenant's requests may reach; other targets are skipped
 * @param allowPinning whether {@code provider/model} requests are allowed (default: {@code defaults.allow-pinning})
 * @param budget what the tenant may spend per period across every pod, or null for no limit
 */
@RegisterForReflection
public record TenantConfig(List<String> allowedModels, List<String> allowedProviders, Boolean allowPinning,
        BudgetConfig budget) {

    public TenantConfig {
        allowedModels = allowedModels != null ? List.copyOf(allowedModels) : null;
        allowedProviders = allowedProviders != null ? List.copyOf(allowedProviders) : null;
    }
}
