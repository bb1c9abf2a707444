package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks between sections of a policy that no record can make alone: every target names a defined provider, the
 * default route and default tenant exist, and tenants' allow-lists name defined providers and routes. Each problem
 * names its YAML path. Stateless.
 */
final class PolicyReferences {

    private PolicyReferences() {
    }

    /** Every dangling reference of {@code config}; empty when there is none. */
    static List<String> check(PolicyConfig config) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, RouteConfig> route : config.routes().entrySet()) {
            List<TargetConfig> targets = route.getValue().targets();
            for (int i = 0; i < targets.size(); i++) {
                String provider = targets.get(i).provider();
                if (!config.providers().containsKey(provider)) {
                    problems.add("routes." + route.getKey() + ".targets[" + i + "].provider: no provider '" + provider
                            + "' (defined: " + String.join(", ", config.providers().keySet()) + ")");
                }
            }
        }
        if (config.defaultRoute() != null && !config.routes().containsKey(config.defaultRoute())) {
            problems.add("default-route: no route '" + config.defaultRoute() + "' (defined: "
                    + String.join(", ", config.routes().keySet()) + ")");
        }
        String defaultTenant = config.tenancy().defaultTenant();
        if (defaultTenant != null && !config.tenants().containsKey(defaultTenant)) {
            problems.add("tenancy.default-tenant: no tenant '" + defaultTenant + "' under 'tenants'");
        }
        for (Map.Entry<String, TenantConfig> tenant : config.tenants().entrySet()) {
            String path = "tenants." + tenant.getKey();
            List<String> providers = tenant.getValue().allowedProviders();
            for (int i = 0; providers != null && i < providers.size(); i++) {
                if (!config.providers().containsKey(providers.get(i))) {
                    problems.add(path + ".allowed-providers[" + i + "]: no provider '" + providers.get(i) + "'");
                }
            }
            List<String> models = tenant.getValue().allowedModels();
            for (int i = 0; models != null && i < models.size(); i++) {
                String model = models.get(i);
                if (model == null || model.isBlank()) {
                    problems.add(path + ".allowed-models[" + i + "]: must not be empty");
                } else if (!model.endsWith("*") && model.indexOf('/') < 0 && !config.routes().containsKey(model)) {
                    problems.add(path + ".allowed-models[" + i + "]: no route '" + model + "'");
                }
            }
        }
        return problems;
    }
}
