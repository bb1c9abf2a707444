package dev.switchboard.model;

import java.util.List;
import java.util.Set;

/**
 * What one tenant may use.
 *
 * @param allowedModels what it may put in {@code model} (exact, or a prefix pattern ending in {@code *}); null: all
 * @param allowedProviders providers its requests may reach; null: all
 * @param allowPinning whether {@code provider/model} requests are allowed
 * @param budget what it may spend per period across every pod, or null
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Tenant(String name, List<String> allowedModels, Set<String> allowedProviders, boolean allowPinning,
        Budget budget) {

    /**
     * A tenant's spend limit per calendar period in UTC.
     *
     * @param microUsd the USD limit in millionths, or -1 for none
     * @param tokens the token limit, or -1 for none
     * @param period minute, hour, day or month
     * @param warnAt the share past which answers carry a warning, or 0 for none
     */
    public record Budget(long microUsd, long tokens, String period, double warnAt) {
    }

    public boolean allowsModel(String model) {
        if (allowedModels == null) {
            return true;
        }
        for (String allowed : allowedModels) {
            if (allowed.endsWith("*") ? model.startsWith(allowed.substring(0, allowed.length() - 1))
                    : allowed.equals(model)) {
                return true;
            }
        }
        return false;
    }

    public boolean allowsProvider(String provider) {
        return allowedProviders == null || allowedProviders.contains(provider);
    }
}
