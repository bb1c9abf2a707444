package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.limits.SharedLimits;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.mock.MockProvider;
import dev.switchboard.resilience.ProviderStates;
import dev.switchboard.schema.Endpoint;
import dev.switchboard.strategy.TargetStatsRegistry;
import dev.switchboard.testing.Lifecycle;
import dev.switchboard.testing.Tables;
import dev.switchboard.usage.UsageLedger;

/**
 * Addressing, tenants and capability-aware routing through the real router, with in-process mock providers whose
 * failures the test switches on and off.
 */
class RouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String POLICY = """
            default-route: general
            tenancy:
              header: x-team
            tenants:
              research:
                allowed-models: [general, cheap, "b/*"]
              support:
                allowed-models: ["*"]
                allowed-providers: [b]
                allow-pinning: false
              ops: {}
            providers:
              a: { type: mock, mock: { failure-rate: 0.5 } }
              b: { type: mock, mock: { failure-rate: 0.5 } }
              c: { type: mock, mock: { failure-rate: 0.5 } }
            routes:
              general:
                targets:
                  - { provider: a, model: a-general }
                  - { provider: b, model: b-general }
              cheap:
                strategy: lowest-cost
                targets:
                  - { provider: a, model: pricey, price: { input-per-1m: 5, output-per-1m: 15 }, context-window: 200000 }
                  - { provider: b, model: bargain, price: { input-per-1m: 0.1, output-per-1m: 0.4 }, context-window: 100 }
                  - { provider: c, model: middle, price: { input-per-1m: 1, output-per-1m: 2 }, context-window: 8000 }
              sticky:
                strategy: round-robin
                affinity: { key: "header:x-session" }
                targets:
                  - { provider: a, model: a1 }
                  - { provider: b, model: b1 }
                  - { provider: c, model: c1 }
              by-user:
                strategy: round-robin
                affinity: { key: user }
                targets:
                  - { provider: a, model: a1 }
                  - { provider: b, model: b1 }
              smart-when-needed:
                prefer-quality-for-complex: true
                prefer-fast-for-simple: true
                complexity-threshold: 500
                targets:
                  - { provider: a, model: medium-model }
                  - { provider: b, model: fast-model, speed-tier: high, quality-tier: low }
                  - { provider: c, model: smart-model, speed-tier: low, quality-tier: high }
            """;

    /** Per provider: the mock fails while its value is below 0.5. */
    private final Map<String, AtomicReference<Double>> failing = new HashMap<>();
    private final Router router;
    private final TargetStatsRegistry registry = new TargetStatsRegistry();
    private RoutingTable table;

    RouterTest() throws Exception {
        table = Tables.of(POLICY);
        Map<String, Provider> providers = new LinkedHashMap<>();
        for (ProviderSpec spec : table.providers().values()) {
            AtomicReference<Double> value = new AtomicReference<>(0.9);
            failing.put(spec.name(), value);
            providers.put(spec.name(), new MockProvider(spec, value::get, Clock.systemUTC()));
        }
        PolicyState state = new PolicyState();
        state.swap(ActivePolicy.activate(table, providers, new ProviderStates().forProviders(table.providers().values()),
                registry, "test", false, Instant.now()), "test-hash");
        Metrics metrics = new Metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        router = new Router(state, new UsageLedger(metrics), metrics, Lifecycle.drain(), Tracing.noop(),
                new Drills(state, metrics), new SharedLimits(null, metrics, Optional.empty(), Duration.ofMillis(50),
                        "test"));
    }

    private void fail(String provider) {
        failing.get(provider).set(0.0);
    }

    private void recover(String provider) {
        failing.get(provider).set(0.9);
    }

    private ProxyResponse send(String body, Map<String, String> headers) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return router
                .route(Endpoint.CHAT, body.getBytes(StandardCharsets.UTF_8),
                        name -> lower.get(name.toLowerCase(java.util.Locale.ROOT)))
                .await().atMost(Duration.ofSeconds(5));
    }

    private ProxyResponse chat(String model, Map<String, String> headers) {
        return send("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static String provider(ProxyResponse response) {
        return response.headers().get(ResponseHeaders.PROVIDER).get(0);
    }

    private static String model(ProxyResponse response) {
        return response.headers().get(ResponseHeaders.MODEL).get(0);
    }

    private static JsonNode error(ProxyResponse response) throws Exception {
        byte[] body = response.body().collect().asList().await().atMost(Duration.ofSeconds(5)).get(0).getBytes();
        return JSON.readTree(body).path("error");
    }

    private static Map<String, String> team(String name) {
        return Map.of("x-team", name);
    }

    /** Admission's own rules are in AdmissionTest; here, that a refusal reaches the caller as an OpenAI error. */
    @Test
    void refusesATenantAModelOutsideItsList() throws Exception {
        ProxyResponse response = chat("sticky", team("research"));

        assertThat(response.status()).isEqualTo(403);
        assertThat(error(response).path("code").asText()).isEqualTo("model_not_allowed");
        assertThat(error(response).path("message").asText()).contains("research", "sticky");
    }

    @Test
    void skipsTargetsOfProvidersTheTenantMayNotUse() throws Exception {
        ProxyResponse general = chat("general", team("support"));
        ProxyResponse onlyA = send("{\"model\":\"a/anything\"}", team("research"));

        assertThat(provider(general)).isEqualTo("b");
        assertThat(onlyA.status()).isEqualTo(403);
        assertThat(error(onlyA).path("code").asText()).isEqualTo("model_not_allowed");
    }

    @Test
    void picksTheCheapestTargetThatFitsTheContextWindow() {
        ProxyResponse small = chat("cheap", team("research"));
        // ~2000 bytes of prompt: ~500 tokens, too many for 'bargain' (100), fine for 'middle' (8000)
        ProxyResponse larger = send("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2000)
                + "\"}]}", team("research"));

        assertThat(model(small)).isEqualTo("bargain");
        assertThat(model(larger)).isEqualTo("middle");
    }

    @Test
    void keepsEachSessionOnOneTargetUnderRoundRobin() {
        Map<String, String> firsts = new HashMap<>();
        for (int session = 0; session < 3; session++) {
            firsts.put("s" + session, provider(chat("sticky", Map.of("x-team", "ops", "x-session", "s" + session))));
        }
        assertThat(firsts.values()).containsExactlyInAnyOrder("a", "b", "c");

        for (int round = 0; round < 4; round++) {
            for (int session = 0; session < 3; session++) {
                assertThat(provider(chat("sticky", Map.of("x-team", "ops", "x-session", "s" + session))))
                        .isEqualTo(firsts.get("s" + session));
            }
        }
    }

    @Test
    void repinsASessionWhenItsTargetFails() {
        Map<String, String> headers = Map.of("x-team", "ops", "x-session", "repin");
        String pinned = provider(chat("sticky", headers));

        fail(pinned);
        ProxyResponse moved = chat("sticky", headers);
        recover(pinned);

        assertThat(moved.status()).isEqualTo(200);
        assertThat(provider(moved)).isNotEqualTo(pinned);
        for (int i = 0; i < 3; i++) {
            assertThat(provider(chat("sticky", headers))).isEqualTo(provider(moved));
        }
    }

    @Test
    void takesTheAffinityKeyFromTheUserField() {
        String first = provider(send("{\"model\":\"by-user\",\"user\":\"alice\"}", team("ops")));

        for (int i = 0; i < 4; i++) {
            assertThat(provider(send("{\"model\":\"by-user\",\"user\":\"alice\"}", team("ops")))).isEqualTo(first);
        }
    }

    @Test
    void putsTheFastTargetFirstForSimpleRequestsAndTheSmartOneForComplexOnes() {
        String longPrompt = "{\"model\":\"smart-when-needed\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(4000) + "\"}]}";

        assertThat(model(chat("smart-when-needed", team("ops")))).isEqualTo("fast-model");
        assertThat(model(send(longPrompt, team("ops")))).isEqualTo("smart-model");
        assertThat(model(send("{\"model\":\"smart-when-needed\",\"tools\":[{\"type\":\"function\"}]}", team("ops"))))
                .isEqualTo("smart-model");
        assertThat(model(chat("smart-when-needed", Map.of("x-team", "ops", "x-switchboard-priority", "high"))))
                .isEqualTo("smart-model");
        assertThat(model(send(longPrompt, Map.of("x-team", "ops", "x-switchboard-priority", "low"))))
                .isEqualTo("fast-model");
    }

    @Test
    void countsRequestsInFlightUntilTheyEnd() {
        Map<String, String> ops = team("ops");
        fail("a");
        chat("general", ops);
        recover("a");
        ProxyResponse stream = send("{\"model\":\"general\",\"stream\":true}", ops);
        assertThat(registry.of(table.routes().get("general").targets().get(0)).inFlight()).isEqualTo(1);

        stream.body().collect().asList().await().atMost(Duration.ofSeconds(5));

        for (var target : table.routes().get("general").targets()) {
            assertThat(registry.of(target).inFlight()).isZero();
            assertThat(registry.of(target).samples()).isPositive();
        }
        assertThat(registry.of(table.routes().get("general").targets().get(0)).successRate()).isLessThan(1.0);
    }
}
