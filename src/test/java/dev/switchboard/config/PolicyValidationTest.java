package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.model.Route;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.strategy.Strategies;

/** Every policy problem is rejected with a message that names its YAML path. */
class PolicyValidationTest {

    private static final String VALID = """
            default-route: fast
            tenancy: { header: x-team, default-tenant: shared }
            tenants:
              shared: { allowed-models: [fast] }
              ml: { allowed-models: ["*"], allowed-providers: [openai] }
            defaults:
              strategy: failover
              first-token-timeout: 20s
              idle-timeout: 45s
              request-timeout: 5m
              retry: { max-attempts: 3, backoff: 200ms }
              circuit-breaker: { failure-ratio: 0.5, request-volume-threshold: 20, delay: 30s, success-threshold: 1 }
            providers:
              openai:
                type: openai
                base-url: https://api.openai.com/v1
                api-key-env: OPENAI_API_KEY
                first-token-timeout: 10s
                idle-timeout: 30s
                max-concurrency: 64
              local:
                type: openai
                base-url: http://127.0.0.1:11434/v1/
                circuit-breaker: { failure-ratio: 0.3 }
                rate-limit: { max-pause: 30s }
              drill:
                type: mock
                mock: { latency: 10ms, failure-rate: 0.5, failure-status: 429 }
            routes:
              fast:
                strategy: failover
                targets:
                  - { provider: openai, model: gpt-4o-mini, weight: 60 }
                  - { provider: local, model: llama3.1, weight: 40 }
              smart:
                retry: { max-attempts: 5 }
                request-timeout: 90s
                targets:
                  - { provider: openai, model: gpt-4o }
                  - { provider: drill, model: anything }
              cheap:
                strategy: lowest-cost
                affinity: { key: "header:x-session", ttl: 10m }
                prefer-quality-for-complex: true
                complexity-threshold: 4000
                targets:
                  - { provider: openai, model: gpt-4o-mini, price: { input-per-1m: 0.15, output-per-1m: 0.6 }, speed-tier: high, quality-tier: medium, context-window: 128000 }
                  - { provider: local, model: llama3.1, price: { input-per-1m: 0, output-per-1m: 0 } }
            """;

    private final PolicyParser parser = new PolicyParser();

    private static final SecretSource SECRETS = new SecretSource() {
        @Override
        public Optional<String> env(String name) {
            return Map.of("OPENAI_API_KEY", "sk-test").entrySet().stream().filter(e -> e.getKey().equals(name))
                    .map(Map.Entry::getValue).findFirst();
        }

        @Override
        public String file(String path) throws IOException {
            throw new java.nio.file.NoSuchFileException(path);
        }
    };

    private final PolicyCompiler compiler = new PolicyCompiler(Strategies.names(), Strategies.priced(),
            Set.of("openai", "mock"), SECRETS);

    private RoutingTable load(String yaml) throws PolicyException {
        return compiler.compile(parser.parse(yaml, "test.yaml"), "test.yaml");
    }

    @Test
    void acceptsTheDesignPolicyShapeAndAppliesDefaults() throws Exception {
        RoutingTable table = load(VALID);

        assertThat(table.routes()).containsOnlyKeys("fast", "smart", "cheap");
        assertThat(table.defaultRoute()).isEqualTo("fast");
        assertThat(table.tenancy().header()).isEqualTo("x-team");
        assertThat(table.tenancy().tenants().get("ml").allowsProvider("local")).isFalse();
        assertThat(table.routes().get("cheap").options().affinity().ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(table.routes().get("cheap").targets().get(0).speedRank()).isEqualTo(3);
        assertThat(table.routes().get("cheap").targets().get(0).contextWindow()).isEqualTo(128000);
        assertThat(table.routes().get("fast").maxAttempts()).isEqualTo(3);
        assertThat(table.routes().get("fast").backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(table.routes().get("smart").maxAttempts()).isEqualTo(5);
        assertThat(table.routes().get("smart").backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(table.routes().get("fast").targets().get(0).weight()).isEqualTo(60);
        assertThat(table.providers().get("openai").apiKey().reveal()).isEqualTo("sk-test");
        assertThat(table.providers().get("openai").apiKey().toString()).doesNotContain("sk-test");
        assertThat(table.providers().get("local").baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(table.providers().get("local").circuitBreaker().failureRatio()).isEqualTo(0.3);
        assertThat(table.providers().get("local").circuitBreaker().delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(table.providers().get("local").firstTokenTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(table.providers().get("local").idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(table.providers().get("local").maxConcurrency()).isZero();
        assertThat(table.providers().get("openai").firstTokenTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(table.providers().get("openai").idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(table.providers().get("openai").maxConcurrency()).isEqualTo(64);
        assertThat(table.routes().get("smart").requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(table.routes().get("fast").requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(table.warnings()).isEmpty();
        assertThat(table.providers().get("drill").mock().failureStatus()).isEqualTo(429);
    }

    @Test
    void keepsTheDeprecatedTimeoutKeyWorkingWithAWarning() throws Exception {
        RoutingTable table = load("""
                defaults: { timeout: 7s }
                providers:
                  old: { type: mock, timeout: 3s }
                  half: { type: mock, timeout: 3s, idle-timeout: 9s }
                  new: { type: mock }
                routes:
                  r: { targets: [{ provider: old, model: m }] }
                """);

        assertThat(table.providers().get("old").firstTokenTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(table.providers().get("old").idleTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(table.providers().get("half").firstTokenTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(table.providers().get("half").idleTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(table.providers().get("new").firstTokenTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(table.providers().get("new").idleTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(table.routes().get("r").requestTimeout()).isNull();
        assertThat(table.warnings()).containsExactly(
                "defaults.timeout: deprecated; it sets first-token-timeout and idle-timeout (for those not set) - name "
                        + "them instead",
                "providers.old.timeout: deprecated; it sets first-token-timeout and idle-timeout (for those not set) - "
                        + "name them instead",
                "providers.half.timeout: deprecated; it sets first-token-timeout and idle-timeout (for those not set) - "
                        + "name them instead");
    }

    @Test
    void acceptsTheBuiltInDemoPolicy() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("switchboard/demo-policy.yaml")) {
            RoutingTable table = load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(table.routes()).containsKeys("fast", "smart", "embed");
            assertThat(table.providers().values()).allSatisfy(p -> assertThat(p.type()).isEqualTo("mock"));
        }
    }

    @Test
    void acceptsTheKubernetesExamplePolicy() throws Exception {
        var configMap = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(java.nio.file.Path.of("k8s", "configmap.yaml").toFile());
        SecretSource anyKey = new SecretSource() {
            @Override
            public Optional<String> env(String name) {
                return Optional.of("key-from-" + name);
            }

            @Override
            public String file(String path) {
                return "key-from-" + path;
            }
        };

        RoutingTable table = new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES, anyKey)
                .compile(parser.parse(configMap.path("data").path("policy.yaml").asText(), "k8s"), "k8s");

        assertThat(table.routes()).containsKeys("smart", "fast", "cheap", "embed", "drill", "long");
        assertThat(table.tenancy().tenants()).containsKeys("app", "batch-jobs");
        // the example names every timeout, and no deprecated key
        assertThat(table.warnings()).isEmpty();
        assertThat(table.providers().get("groq").maxConcurrency()).isEqualTo(64);
        assertThat(table.providers().get("groq").adaptiveConcurrency()).isTrue();
        assertThat(table.providers().get("openai").rateLimit().admits()).isTrue();
        assertThat(table.routes().get("smart").options().hedge()).isEqualTo(new Route.Hedge(null, 0.95, 0.1));
        assertThat(table.routes().get("smart").requestTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // a misspelt provider in a target
            "provider: local, model: llama3.1, weight: 40 | provider: antropic, model: x "
                    + "| routes.fast.targets[1].provider: no provider 'antropic'",
            // unknown key, with the known ones listed
            "weight: 40 | wieght: 40 | routes.fast.targets[1].wieght: unknown key 'wieght'",
            // weights must be positive
            "weight: 40 | weight: 0 | routes.fast.targets[1].weight: must be > 0",
            // missing model
            "provider: local, model: llama3.1, weight: 40 | provider: local | routes.fast.targets[1].model: is required",
            // bad duration
            "first-token-timeout: 20s | first-token-timeout: soon | defaults.first-token-timeout: invalid value 'soon', "
                    + "expected a duration such as 500ms",
            // zero timeout
            "first-token-timeout: 20s | first-token-timeout: 0s | defaults.first-token-timeout: must be > 0",
            // max-attempts below one
            "max-attempts: 5 | max-attempts: 0 | routes.smart.retry.max-attempts: must be >= 1",
            // breaker ratio out of range
            "failure-ratio: 0.3 | failure-ratio: 1.5 | providers.local.circuit-breaker.failure-ratio: must be > 0 and <= 1",
            // wrong type
            "request-volume-threshold: 20 | request-volume-threshold: many "
                    + "| defaults.circuit-breaker.request-volume-threshold: invalid value 'many', expected a whole number",
            // unknown provider type
            "type: mock | type: mocky | providers.drill.type: unknown provider type 'mocky'",
            // base-url without scheme
            "base-url: https://api.openai.com/v1 | base-url: api.openai.com | providers.openai.base-url: must start with http",
            // mock settings on a real provider
            "circuit-breaker: { failure-ratio: 0.3 } | mock: { latency: 1s } | providers.local.mock: is only valid for type 'mock'",
            // failure-rate over one
            "failure-rate: 0.5 | failure-rate: 2 | providers.drill.mock.failure-rate: must be between 0 and 1",
            // lowest-cost needs prices
            "price: { input-per-1m: 0, output-per-1m: 0 } | speed-tier: low "
                    + "| routes.cheap.targets[1].price: required by strategy 'lowest-cost'",
            "speed-tier: high | speed-tier: turbo | routes.cheap.targets[0].speed-tier: must be one of low, medium, high",
            "input-per-1m: 0.15 | input-per-1m: -1 | routes.cheap.targets[0].price.input-per-1m: must be >= 0",
            "context-window: 128000 | context-window: 0 | routes.cheap.targets[0].context-window: must be >= 1",
            "default-route: fast | default-route: fats | default-route: no route 'fats'",
            "default-tenant: shared | default-tenant: sharde | tenancy.default-tenant: no tenant 'sharde'",
            "allowed-providers: [openai] | allowed-providers: [opnai] | tenants.ml.allowed-providers[0]: no provider 'opnai'",
            "allowed-models: [fast] | allowed-models: [fsat] | tenants.shared.allowed-models[0]: no route 'fsat'",
            "key: \"header:x-session\" | key: cookie | routes.cheap.affinity.key: must be 'user' or 'header:<name>'",
            "complexity-threshold: 4000 | complexity-threshold: 0 | routes.cheap.complexity-threshold: must be >= 1",
            "request-timeout: 5m | request-timeout: 5m\\n  health: { probe: true, path: /chat/completions } "
                    + "| defaults.health.path: must not be a paid endpoint",
            "request-timeout: 5m | request-timeout: 5m\\n  health: { interval: 10ms } | defaults.health.interval: must be at least 100ms",
            "default-route: fast | readiness: everything | readiness: must be one of policy, any-provider, every-route",
            "max-pause: 30s | default-pause: -1s | providers.local.rate-limit.default-pause: must be >= 0",
            // the keys of gateway features beyond failover
            "complexity-threshold: 4000 | hedge: { after: soon } | routes.cheap.hedge.after: must be a duration above 0",
            "complexity-threshold: 4000 | hedge: { after: p95, max-rate: 150% } | routes.cheap.hedge.max-rate: must be a share",
            "complexity-threshold: 4000 | hedge: { max-rate: 10% } | routes.cheap.hedge.after: is required",
            "max-concurrency: 64 | concurrency: turbo | providers.openai.concurrency: must be 'fixed' or 'adaptive'",
            "max-pause: 30s | admission: sometimes | providers.local.rate-limit.admission: invalid value 'sometimes'",
            "failure-status: 429 | fault: { kind: fire } | providers.drill.mock.fault.kind: must be one of status, hang",
            "failure-status: 429 | fault: { kind: cut-stream, after-events: -1 } "
                    + "| providers.drill.mock.fault.after-events: must be >= 0",
            // budgets, quotas and their store
            "shared: { allowed-models: [fast] } | shared: { budget: { tokens: 100, period: week } } "
                    + "| tenants.shared.budget.period: must be one of minute, hour, day, month",
            "shared: { allowed-models: [fast] } | shared: { budget: { period: day } } | tenants.shared.budget.usd: set usd",
            "shared: { allowed-models: [fast] } | shared: { budget: { usd: -5 } } | tenants.shared.budget.usd: must be >= 0",
            "shared: { allowed-models: [fast] } | shared: { budget: { tokens: 10, warn-at: 1.5 } } "
                    + "| tenants.shared.budget.warn-at: must be a share",
            "max-concurrency: 64 | quota: { requests-per-minute: 0 } | providers.openai.quota.requests-per-minute: must be >= 1",
            "max-concurrency: 64 | quota: {} | providers.openai.quota.requests-per-minute: set requests-per-minute",
            "default-route: fast | shared-limits: { on-store-failure: maybe } "
                    + "| shared-limits.on-store-failure: must be one of per-pod, open, closed",
            // duplicate keys
            "strategy: failover\\n    targets | strategy: failover\\n    strategy: failover\\n    targets "
                    + "| routes.fast.strategy: Duplicate field 'strategy'",
    })
    void namesTheYamlPathOfEachProblem(String from, String to, String expected) {
        String yaml = VALID.replace(from.strip().replace("\\n", "\n"), to.strip().replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(VALID);

        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(((PolicyException) e).problems()).anySatisfy(p -> assertThat(p)
                        .startsWith(expected.strip())));
    }

    @Test
    void rejectsAnUnknownStrategyAtItsPath() {
        String yaml = VALID.replace("strategy: failover\n    targets", "strategy: fallover\n    targets");

        assertThatThrownBy(() -> load(yaml)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("routes.fast.strategy: unknown strategy 'fallover' (known: adaptive, balanced, cost, "
                        + "failover, least-connections, least-latency, lowest-cost, quality, random, round-robin, weighted, "
                        + "weighted-random)");
    }

    @Test
    void rejectsAProviderTypeThisBuildDoesNotImplement() {
        String yaml = VALID.replace("type: mock", "type: gemini\n    base-url: https://example.test")
                .replace("    mock: { latency: 10ms, failure-rate: 0.5, failure-status: 429 }\n", "");

        assertThatThrownBy(() -> load(yaml)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("providers.drill.type: provider type 'gemini' is not available in this version");
    }

    @Test
    void rejectsAMissingCredentialWithoutShowingAnySecret() {
        String yaml = VALID.replace("api-key-env: OPENAI_API_KEY", "api-key-env: MISSING_KEY")
                .replace("circuit-breaker: { failure-ratio: 0.3 }", "api-key-file: /nonexistent/key");

        assertThatThrownBy(() -> load(yaml)).isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(((PolicyException) e).problems()).containsExactly(
                        "providers.openai.api-key-env: environment variable MISSING_KEY is not set",
                        "providers.local.api-key-file: cannot read /nonexistent/key (NoSuchFileException)"));
    }

    @Test
    void rejectsEmptySectionsAndDocuments() {
        assertThatThrownBy(() -> load("")).hasMessageContaining("the policy is empty");
        assertThatThrownBy(() -> load("providers: {}\nroutes: {}")).hasMessageContaining("providers: at least one entry");
        assertThatThrownBy(() -> load("- a\n- b")).hasMessageContaining("(document): expected a mapping");
        assertThatThrownBy(() -> load(VALID.replace("smart:\n    retry", "smart:\n    targets: []\n    retry")))
                .isInstanceOf(PolicyException.class);
    }

    @Test
    void rejectsYamlSyntaxErrorsWithTheirLine() {
        assertThatThrownBy(() -> load("defaults:\n  timeout: \"unterminated\n")).isInstanceOf(PolicyException.class)
                .hasMessageContaining("line");
    }
}
