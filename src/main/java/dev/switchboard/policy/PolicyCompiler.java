package dev.switchboard.policy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.config.BudgetConfig;
import dev.switchboard.config.DefaultsConfig;
import dev.switchboard.config.HedgeConfig;
import dev.switchboard.config.PolicyConfig;
import dev.switchboard.config.PolicyException;
import dev.switchboard.config.ProviderConfig;
import dev.switchboard.config.RetryConfig;
import dev.switchboard.config.RouteConfig;
import dev.switchboard.config.TargetConfig;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.Route;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.model.Secret;
import dev.switchboard.model.Target;
import dev.switchboard.model.Tenancy;
import dev.switchboard.model.Tenant;

/**
 * Validated config → {@link RoutingTable}: applies defaults, checks what the YAML shape cannot (strategy names,
 * provider types this build implements, credentials that exist), and reports every problem with its YAML path.
 */
public final class PolicyCompiler {

    private final Set<String> strategies;
    private final Set<String> pricedStrategies;
    private final Set<String> providerTypes;
    private final SecretSource secrets;

    /**
     * @param strategies the strategy names this build knows
     * @param pricedStrategies the strategies that need a {@code price} on every target
     * @param providerTypes the provider types this build implements
     * @param secrets where credentials are read
     */
    public PolicyCompiler(Set<String> strategies, Set<String> pricedStrategies, Set<String> providerTypes,
            SecretSource secrets) {
        this.strategies = new TreeSet<>(strategies);
        this.pricedStrategies = Set.copyOf(pricedStrategies);
        this.providerTypes = Set.copyOf(providerTypes);
        this.secrets = secrets;
    }

    public RoutingTable compile(PolicyConfig config, String source) throws PolicyException {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        DefaultsConfig defaults = config.defaults();
        if (defaults.timeout() != null) {
            warnings.add(DEPRECATED_TIMEOUT.formatted("defaults"));
        }
        checkStrategy("defaults.strategy", defaults.strategy(), problems);

        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        for (Map.Entry<String, ProviderConfig> entry : config.providers().entrySet()) {
            if (entry.getValue().timeout() != null) {
                warnings.add(DEPRECATED_TIMEOUT.formatted("providers." + entry.getKey()));
            }
            ProviderSpec spec = provider(entry.getKey(), entry.getValue(), defaults, problems);
            if (spec != null) {
                providers.put(entry.getKey(), spec);
            }
        }

        Map<String, Route> routes = new LinkedHashMap<>();
        for (Map.Entry<String, RouteConfig> entry : config.routes().entrySet()) {
            RouteConfig route = entry.getValue();
            String strategy = route.strategy() != null ? route.strategy() : defaults.strategy();
            if (route.strategy() != null) {
                checkStrategy("routes." + entry.getKey() + ".strategy", strategy, problems);
            }
            RetryConfig retry = route.retry() != null ? route.retry().orElse(defaults.retry()) : defaults.retry();
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < route.targets().size(); i++) {
                TargetConfig t = route.targets().get(i);
                if (t.price() == null && pricedStrategies.contains(strategy)) {
                    problems.add("routes." + entry.getKey() + ".targets[" + i + "].price: required by strategy '"
                            + strategy + "'");
                }
                targets.add(new Target(t.provider(), t.model(), t.weight(), i, TargetConfig.tierRank(t.speedTier()),
                        TargetConfig.tierRank(t.qualityTier()),
                        t.price() == null ? null : new Target.Price(t.price().inputPer1m(), t.price().outputPer1m()),
                        t.contextWindow() == null ? 0 : t.contextWindow(), t.maxTokens() == null ? 0 : t.maxTokens()));
            }
            Route.Options options = new Route.Options(Boolean.TRUE.equals(route.preferFastForSimple()),
                    Boolean.TRUE.equals(route.preferQualityForComplex()),
                    route.complexityThreshold() != null ? route.complexityThreshold()
                            : Route.Options.DEFAULT.complexityThreshold(),
                    route.affinity() == null ? null
                            : new Route.Affinity(route.affinity().header(), route.affinity().ttl()),
                    route.exploration() != null ? route.exploration() : Route.Options.DEFAULT.exploration(),
                    hedge(route.hedge()));
            routes.put(entry.getKey(), new Route(entry.getKey(), strategy, targets, retry.maxAttempts(), retry.backoff(),
                    options, route.requestTimeout() != null ? route.requestTimeout() : defaults.requestTimeout()));
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(source, problems);
        }
        return new RoutingTable(routes, providers, defaults.retry().maxAttempts(), defaults.retry().backoff(),
                defaults.requestTimeout(), defaults.allowPinning(), config.defaultRoute(), tenancy(config), config.readiness(),
                warnings, new RoutingTable.SharedLimits(config.sharedLimits().onStoreFailure(),
                        config.sharedLimits().pods() != null ? config.sharedLimits().pods() : 0));
    }

    private static final String DEPRECATED_TIMEOUT = "%s.timeout: deprecated; it sets first-token-timeout and "
            + "idle-timeout (for those not set) - name them instead";

    /** The Messages API version sent unless the provider's {@code headers} name another. */
    public static final String ANTHROPIC_VERSION = "2023-06-01";

    /** A route's hedging, or null when it has none (validated when its config was read). */
    private static Route.Hedge hedge(HedgeConfig config) {
        if (config == null) {
            return null;
        }
        double percentile = HedgeConfig.percentile(config.after());
        return new Route.Hedge(percentile > 0 ? null : HedgeConfig.duration(config.after()), percentile,
                HedgeConfig.share(config.maxRate()));
    }

    private static Tenant.Budget budget(BudgetConfig config) {
        if (config == null) {
            return null;
        }
        return new Tenant.Budget(config.usd() != null ? Math.round(config.usd() * 1_000_000) : -1,
                config.tokens() != null ? config.tokens() : -1, config.period(),
                config.warnAt() != null ? config.warnAt() : 0);
    }

    private static String defaultKeyHeader(String type) {
        return switch (type) {
            case "anthropic" -> "x-api-key";
            case "gemini" -> "x-goog-api-key";
            default -> "Authorization";
        };
    }

    private static Tenancy tenancy(PolicyConfig config) {
        Map<String, Tenant> tenants = new LinkedHashMap<>();
        config.tenants().forEach((name, tenant) -> tenants.put(name, new Tenant(name, tenant.allowedModels(),
                tenant.allowedProviders() == null ? null : Set.copyOf(tenant.allowedProviders()),
                tenant.allowPinning() != null ? tenant.allowPinning() : config.defaults().allowPinning(),
                budget(tenant.budget()))));
        return new Tenancy(config.tenancy().header(), config.tenancy().defaultTenant(), tenants);
    }

    private static Duration first(Duration own, Duration deprecated, Duration inherited) {
        return own != null ? own : deprecated != null ? deprecated : inherited;
    }

    private void checkStrategy(String path, String name, List<String> problems) {
        if (!strategies.contains(name)) {
            problems.add(path + ": unknown strategy '" + name + "' (known: " + String.join(", ", strategies) + ")");
        }
    }

    private ProviderSpec provider(String name, ProviderConfig config, DefaultsConfig defaults, List<String> problems) {
        String path = "providers." + name;
        if (!providerTypes.contains(config.type())) {
            problems.add(path + ".type: provider type '" + config.type() + "' is not available in this version (available: "
                    + String.join(", ", providerTypes.stream().sorted().toList()) + ")");
            return null;
        }
        Secret key = null;
        if (config.apiKeyEnv() != null) {
            var value = secrets.env(config.apiKeyEnv());
            if (value.isEmpty()) {
                problems.add(path + ".api-key-env: environment variable " + config.apiKeyEnv() + " is not set");
            } else {
                key = new Secret(value.get(), "env " + config.apiKeyEnv());
            }
        } else if (config.apiKeyFile() != null) {
            try {
                String value = secrets.file(config.apiKeyFile());
                if (value.isEmpty()) {
                    problems.add(path + ".api-key-file: " + config.apiKeyFile() + " is empty");
                } else {
                    key = new Secret(value, "file " + config.apiKeyFile());
                }
            } catch (IOException e) {
                problems.add(path + ".api-key-file: cannot read " + config.apiKeyFile() + " (" + e.getClass().getSimpleName()
                        + ")");
            }
        }
        String baseUrl = config.baseUrl();
        while (baseUrl != null && baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        Map<String, String> headers = new LinkedHashMap<>(config.headers());
        if (config.type().equals("anthropic") && headers.keySet().stream().noneMatch("anthropic-version"::equalsIgnoreCase)) {
            headers.put("anthropic-version", ANTHROPIC_VERSION);
        }
        return new ProviderSpec(name, config.type(), baseUrl, key,
                config.apiKeyHeader() != null ? config.apiKeyHeader() : defaultKeyHeader(config.type()),
                headers,
                config.connectTimeout() != null ? config.connectTimeout() : defaults.connectTimeout(),
                first(config.firstTokenTimeout(), config.timeout(), defaults.firstTokenTimeout()),
                first(config.idleTimeout(), config.timeout(), defaults.idleTimeout()),
                config.maxConcurrency() != null ? config.maxConcurrency() : 0,
                config.circuitBreaker() != null ? config.circuitBreaker().orElse(defaults.circuitBreaker())
                        : defaults.circuitBreaker(),
                config.rateLimit() != null ? config.rateLimit().orElse(defaults.rateLimit()) : defaults.rateLimit(),
                config.health() != null ? config.health().orElse(defaults.health()) : defaults.health(),
                config.mock(), Boolean.TRUE.equals(config.responsesApi()), "adaptive".equals(config.concurrency()),
                config.quota() == null ? null
                        : new ProviderSpec.Quota(
                                config.quota().requestsPerMinute() != null ? config.quota().requestsPerMinute() : -1,
                                config.quota().tokensPerMinute() != null ? config.quota().tokensPerMinute() : -1));
    }
}
