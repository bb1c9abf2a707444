package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Strategies and tenants end to end, against fake providers over HTTP. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class RoutingStrategiesTest {

    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;

    @BeforeEach
    void reset() {
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        FakeProviders.streamer.reset();
        Stubs.answers(FakeProviders.primary);
        Stubs.answers(FakeProviders.secondary);
    }

    private static String chat(String model) {
        return given().contentType(ContentType.JSON).body("{\"model\":\"" + model + "\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().header("x-switchboard-provider");
    }

    private static void delay(WireMockServer server, String model, int millis) {
        server.stubFor(post(urlEqualTo(Stubs.CHAT)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(okJson(Fixtures.text("openai/chat-completion.json")).withFixedDelay(millis)));
    }

    @Test
    void splitsAWeightedRouteAsConfigured() {
        for (int i = 0; i < 40; i++) {
            chat("weighted");
        }

        FakeProviders.primary.verify(30, postRequestedFor(urlEqualTo(Stubs.CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("w-primary"))));
        FakeProviders.secondary.verify(10, postRequestedFor(urlEqualTo(Stubs.CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("w-secondary"))));
    }

    @Test
    void refusesATenantAModelOutsideItsList() {
        given().contentType(ContentType.JSON).header("x-switchboard-tenant", "team-a")
                .body("{\"model\":\"down-first\",\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(403).contentType(ContentType.JSON)
                .body("error.code", org.hamcrest.Matchers.equalTo("model_not_allowed"))
                .body("error.message", org.hamcrest.Matchers.containsString("team-a"));
        given().header("x-switchboard-tenant", "team-a").get("/v1/models").then().statusCode(200)
                .body("data.id", org.hamcrest.Matchers.contains("chat", "weighted"));
        given().header("x-switchboard-tenant", "nobody").get("/v1/models").then().statusCode(403)
                .body("error.code", org.hamcrest.Matchers.equalTo("tenant_not_allowed"));
    }

    @Test
    void sendsToTheIdleTargetWhileAnotherHoldsASlowRequest() throws Exception {
        HttpRequest held = HttpRequest.newBuilder(URI.create(chatUrl.toString()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"least-busy\",\"stream\":true,\"messages\":[]}"))
                .build();
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(held,
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> FakeProviders.streamer.requests() == 1);

        assertThat(chat("least-busy")).isEqualTo("secondary");

        FakeProviders.streamer.release();
        assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).endsWith("data: [DONE]\n\n");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "streamer".equals(
                given().contentType(ContentType.JSON).body("{\"model\":\"least-busy\",\"stream\":true,\"messages\":[]}")
                        .post("/v1/chat/completions").header("x-switchboard-provider")));
    }

    @Test
    void movesToTheFasterProviderAndBackWhenTheSlowOneSpeedsUp() {
        delay(FakeProviders.primary, "lat-a", 150);

        int secondary = 0;
        for (int i = 0; i < 25; i++) {
            secondary += chat("fastest").equals("secondary") ? 1 : 0;
        }
        assertThat(secondary).isGreaterThanOrEqualTo(15);

        FakeProviders.primary.resetAll();
        Stubs.answers(FakeProviders.primary);
        delay(FakeProviders.secondary, "lat-b", 150);

        int[] primaryInARow = { 0 };
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ZERO).until(() -> {
            primaryInARow[0] = chat("fastest").equals("primary") ? primaryInARow[0] + 1 : 0;
            return primaryInARow[0] >= 5;
        });
    }
}
