package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Per-provider circuit breakers and 429 pauses, observed from outside: requests counted at the fake provider, and
 * the router-health API. Each test uses its own provider (see {@link FakeProviders}): breaker state is per provider.
 */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class CircuitBreakerTest {

    /** The management interface's root path (/q) is prepended to this: it is the readiness endpoint. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    private URL routerHealth;

    @BeforeEach
    void reset() throws Exception {
        routerHealth = new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(),
                "/api/v1/admin/router/health");
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
    }

    private static void answer(String model, ResponseDefinitionBuilder response) {
        FakeProviders.primary.stubFor(post(urlEqualTo(Stubs.CHAT)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model))).willReturn(response));
    }

    private static int requestsFor(String model) {
        return FakeProviders.primary.findAll(postRequestedFor(urlEqualTo(Stubs.CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))).size();
    }

    private static Response chat(String route) {
        return given().contentType(ContentType.JSON).body("{\"model\":\"" + route + "\",\"messages\":[]}")
                .post("/v1/chat/completions");
    }

    private Map<String, Object> provider(String name) {
        List<Map<String, Object>> providers = JsonPath.from(given().get(routerHealth).asString()).getList("providers");
        return providers.stream().filter(p -> name.equals(p.get("name"))).findFirst().orElseThrow();
    }

    /** Trips the provider's breaker: four failures in a row (request-volume-threshold 4, failure-ratio 1.0). */
    private void trip(String route) {
        answer(route, Stubs.error(500, "error-500.json"));
        for (int i = 0; i < 4; i++) {
            chat(route).then().statusCode(200).header("x-switchboard-provider", "secondary");
        }
        assertThat(provider(route)).containsEntry("breaker", "open").containsEntry("status", "down");
    }

    @Test
    void opensAfterTheConfiguredFailuresAndSendsNothingWhileOpen() {
        trip("cb-open");
        assertThat(requestsFor("cb-open")).isEqualTo(4);

        for (int i = 0; i < 5; i++) {
            chat("cb-open").then().statusCode(200)
                    .header("x-switchboard-provider", "secondary")
                    .header("x-switchboard-attempts", "1");
        }

        assertThat(requestsFor("cb-open")).isEqualTo(4);
        Map<String, Object> health = provider("cb-open");
        assertThat((String) health.get("last_error")).contains("HTTP 500");
        assertThat(((Number) health.get("success_rate")).doubleValue()).isLessThan(0.5);
    }

    /**
     * A provider whose answers fail after they started is as broken as one that answers 503: every stream that breaks
     * after its first event, and every 200 JSON body cut short, counts against its breaker and its passive health.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "cb-stream", "cb-malformed", "cb-503" })
    void opensTheBreakerOfAProviderWhoseAnswersBreakLikeOneThatAnswers503(String route) {
        boolean stream = route.equals("cb-stream");
        Stubs.answers(FakeProviders.secondary);
        answer("cb-malformed", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text("openai/chat-completion.json").substring(0, 120)));
        answer("cb-503", Stubs.error(503, "error-500.json"));
        FakeProviders.streamer.reset();
        int before = route.equals("cb-stream") ? 0 : requestsFor(route);

        for (int i = 0; i < 4; i++) {
            Response response = given().contentType(ContentType.JSON)
                    .body("{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"messages\":[]}")
                    .post("/v1/chat/completions");
            assertThat(response.statusCode()).isEqualTo(200);
            if (stream) {
                // the caller still gets the first events and then an explicit error, never a clean end
                assertThat(response.header("x-switchboard-provider")).isEqualTo("cb-stream");
                assertThat(response.asString()).contains("stream_interrupted").doesNotContain("[DONE]");
            } else {
                // a body that does not parse fails over like a 503
                assertThat(response.header("x-switchboard-provider")).isEqualTo("secondary");
                assertThat(response.header("x-switchboard-attempts")).isEqualTo("2");
            }
        }

        // the breaker sees each attempt's end through a completion stage: its state follows within moments
        Awaitility.await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(provider(route)).containsEntry("breaker", "open"));
        Map<String, Object> health = provider(route);
        assertThat(health).containsEntry("breaker", "open").containsEntry("status", "down");
        assertThat(((Number) health.get("success_rate")).doubleValue()).isLessThan(0.5);
        assertThat((String) health.get("last_error")).contains(
                stream ? "connection broken" : route.equals("cb-malformed") ? "malformed" : "HTTP 503");
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-switchboard-provider", "secondary").header("x-switchboard-attempts", "1");
        assertThat(stream ? FakeProviders.streamer.requests() : requestsFor(route) - before).isEqualTo(4);
    }

    @Test
    void letsExactlyOneTrialThroughAfterTheDelayAndClosesOnSuccess() throws Exception {
        trip("cb-trial");
        // the trial will succeed, slowly enough that the other requests arrive while it is in flight
        answer("cb-trial", okJson(Fixtures.text("openai/chat-completion.json")).withFixedDelay(700));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "half_open".equals(provider("cb-trial").get("breaker")));

        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> chat("cb-trial").then().statusCode(200).extract()
                        .header("x-switchboard-provider"), pool));
            }
            List<String> providers = answers.stream().map(CompletableFuture::join).toList();

            assertThat(providers).filteredOn("cb-trial"::equals).hasSize(1);
            assertThat(providers).filteredOn("secondary"::equals).hasSize(19);
        } finally {
            pool.shutdownNow();
        }
        assertThat(requestsFor("cb-trial")).isEqualTo(5);
        assertThat(provider("cb-trial")).containsEntry("breaker", "closed");
        chat("cb-trial").then().statusCode(200).header("x-switchboard-provider", "cb-trial");
    }

    @Test
    void reopensWhenTheTrialFails() {
        trip("cb-reopen");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "half_open".equals(provider("cb-reopen").get("breaker")));

        chat("cb-reopen").then().statusCode(200).header("x-switchboard-provider", "secondary")
                .header("x-switchboard-attempts", "2");

        assertThat(requestsFor("cb-reopen")).isEqualTo(5);
        assertThat(provider("cb-reopen")).containsEntry("breaker", "open");
        chat("cb-reopen").then().statusCode(200).header("x-switchboard-attempts", "1");
        assertThat(requestsFor("cb-reopen")).isEqualTo(5);
    }

    @Test
    void pausesAThrottledProviderForItsRetryAfterWithoutOpeningItsBreaker() {
        answer("throttled", Stubs.error(429, "error-429.json").withHeader("Retry-After", "2"));

        chat("throttled").then().statusCode(200).header("x-switchboard-provider", "secondary")
                .header("x-switchboard-attempts", "2");
        for (int i = 0; i < 3; i++) {
            chat("throttled").then().statusCode(200).header("x-switchboard-attempts", "1");
        }

        assertThat(requestsFor("throttled")).isEqualTo(1);
        assertThat(provider("throttled")).containsEntry("breaker", "closed").containsEntry("status", "down")
                .containsEntry("paused", true);
        answer("throttled", okJson(Fixtures.text("openai/chat-completion.json")));
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> "throttled".equals(chat("throttled").header("x-switchboard-provider")));
        // answering again: no longer down (a success rate still pulled down by the 429 may leave it degraded)
        assertThat(provider("throttled")).containsEntry("breaker", "closed").containsEntry("paused", false)
                .doesNotContainEntry("status", "down");
    }

    @Test
    void answers503NoAvailableProviderWithRetryAfterWhenEveryTargetIsOpen() {
        answer("cb-all", Stubs.error(503, "error-500.json"));
        chat("cb-all").then().statusCode(502); // three attempts, three failures
        chat("cb-all").then().statusCode(502); // the fourth failure opens the breaker
        int before = requestsFor("cb-all");

        Response response = chat("cb-all");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("no_available_provider");
        assertThat(response.jsonPath().getString("error.message")).contains("cb-all down");
        assertThat(Integer.parseInt(response.header("Retry-After"))).isBetween(1, 3);
        assertThat(requestsFor("cb-all")).isEqualTo(before);
    }

    @Test
    void showsEveryProviderInTheRouterHealthApiAndReadiness() {
        Stubs.answers(FakeProviders.primary);
        chat("chat").then().statusCode(200);

        JsonPath health = JsonPath.from(given().get(routerHealth).then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString());
        assertThat(health.getList("providers.name")).contains("primary", "secondary", "down", "cb-open");
        Map<String, Object> primary = provider("primary");
        assertThat(primary).containsKeys("name", "status", "breaker", "latency_ms", "success_rate", "in_flight",
                "last_error", "p50_ms", "p95_ms", "ttft_ms");
        assertThat(primary).containsEntry("status", "healthy").containsEntry("breaker", "closed")
                .containsEntry("in_flight", 0);
        assertThat(((Number) primary.get("latency_ms")).doubleValue()).isPositive();
        assertThat(health.getString("toString()")).doesNotContain(FakeProviders.PRIMARY_KEY);

        JsonPath ready = JsonPath.from(given().get(readiness).then().statusCode(200).extract().asString());
        String router = "checks.find { it.name == 'switchboard-router' }";
        assertThat(ready.getString(router + ".data.mode")).isEqualTo("policy");
        assertThat(ready.getString(router + ".data.'provider.primary'")).startsWith("healthy, breaker closed");
    }
}
