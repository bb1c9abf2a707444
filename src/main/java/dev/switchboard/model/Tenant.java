package dev.switchboard.model;

import java.util.List;
import java.util.Set;

/**
 * What one tenant may use.
 *
 * @param allowedModels what it may put in {@code model} (exact, or a prefix pattern ending in {@code *}); null: all
 * @param allowedProviders providers its requests may reach; null: all
 * @param allowPinning whether {@code provider/model} requests are allowed
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Tenant(String name, List<String> allowedModels, Set<String> allowedProviders, boolean allowPinning) {

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
