package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Which upstream failures fail over to the next target, and what the caller gets when nothing works. */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class FailoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void reset() {
        FakeProviders.primary.resetAll();
        FakeProviders.secondary.resetAll();
        Stubs.answers(FakeProviders.secondary);
    }

    private static Response chat(String model, boolean stream) {
        return given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/chat/completions");
    }

    /** The secondary's answer reached the caller intact, as JSON or as the whole stream. */
    private static void assertAnsweredBySecondary(Response response, boolean stream, int attempts) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("x-switchboard-provider")).isEqualTo("secondary");
        assertThat(response.header("x-switchboard-model")).isEqualTo("backup-model");
        assertThat(response.header("x-switchboard-attempts")).isEqualTo(Integer.toString(attempts));
        if (stream) {
            assertThat(response.contentType()).startsWith("text/event-stream");
            assertThat(response.asString().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)))
                    .containsExactlyElementsOf(Fixtures.sseData("openai/chat-completion-stream.sse"));
        } else {
            assertThat(JSON.readTree(response.asByteArray()))
                    .isEqualTo(JSON.readTree(Fixtures.text("openai/chat-completion.json")));
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimaryReturns500(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(500, "error-500.json"));

        assertAnsweredBySecondary(chat("chat", stream), stream, 2);
        FakeProviders.primary.verify(1, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void tellsTheCallerWhatEachAttemptDidInTheAttemptTrail(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(503, "error-500.json"));

        Response response = chat("chat", stream);

        assertAnsweredBySecondary(response, stream, 2);
        assertThat(response.header("x-switchboard-attempt-trail"))
                .matches("primary;status=503;ms=\\d+, secondary;status=200;ms=\\d+");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void namesTheErrorOfAnAttemptThatGotNoAnswerInTheTrail(boolean stream) throws Exception {
        Response response = chat("down-first", stream);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("x-switchboard-attempt-trail"))
                .matches("down;error=connect;ms=\\d+, \\w+;status=200;ms=\\d+");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { true, false })
    void answers429WithTheProvidersRetryAfterWhenNoTargetIsLeft(boolean stream) {
        Stubs.fails(FakeProviders.primary, Stubs.error(429, "error-429.json").withHeader("Retry-After", "7"));

        Response response = given().contentType(ContentType.JSON)
                .body("{\"model\":\"single\",\"stream\":" + stream + ",\"messages\":[]}").post("/v1/chat/completions");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.header("Retry-After")).isEqualTo("7");
        assertThat(response.header("x-switchboard-attempts")).isEqualTo("1");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("rate_limited");
        assertThat(response.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimaryReturns429(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(429, "error-429.json").withHeader("Retry-After", "20"));

        assertAnsweredBySecondary(chat("chat", stream), stream, 2);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimaryResetsTheConnection(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertAnsweredBySecondary(chat("chat", stream), stream, 2);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimarySendsGarbageAndCloses(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

        assertAnsweredBySecondary(chat("chat", stream), stream, 2);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimaryRefusesConnections(boolean stream) throws Exception {
        assertAnsweredBySecondary(chat("down-first", stream), stream, 2);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverWhenPrimaryTimesOut(boolean stream) throws Exception {
        // primary-impatient has a 400ms timeout; the answer would take 3s
        Stubs.fails(FakeProviders.primary, Stubs.error(200, "chat-completion.json").withFixedDelay(3000));
        long start = System.nanoTime();

        Response response = chat("slow-first", stream);

        assertAnsweredBySecondary(response, stream, 2);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void returnsA400UnchangedAndNeverAsksTheSecondary(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(400, "error-400.json"));

        Response response = chat("chat", stream);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.header("x-switchboard-provider")).isEqualTo("primary");
        assertThat(JSON.readTree(response.asByteArray())).isEqualTo(JSON.readTree(Fixtures.text("openai/error-400.json")));
        FakeProviders.secondary.verify(0, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @Test
    void returnsOtherClientErrorsUnchanged() {
        Stubs.fails(FakeProviders.primary, aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"invalid_api_key\"}}"));

        chat("chat", false).then().statusCode(401)
                .body("error.code", org.hamcrest.Matchers.equalTo("invalid_api_key"));
        FakeProviders.secondary.verify(0, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void answers502WithTheLastUpstreamErrorWhenEveryAttemptFails(boolean stream) throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(503, "error-500.json"));
        Stubs.fails(FakeProviders.secondary, Stubs.error(500, "error-500.json"));

        Response response = chat("chat", stream);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.header("x-switchboard-attempts")).isEqualTo("3");
        JsonNode error = JSON.readTree(response.asByteArray()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).contains("'chat'", "provider 'primary'", "HTTP 503",
                "The server had an error while processing your request");
        // max-attempts 3 over two targets: primary, secondary, primary again
        FakeProviders.primary.verify(2, postRequestedFor(urlEqualTo(Stubs.CHAT)));
        FakeProviders.secondary.verify(1, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }

    @Test
    void answers504WhenTheLastAttemptTimedOut() throws Exception {
        Stubs.fails(FakeProviders.primary, Stubs.error(200, "chat-completion.json").withFixedDelay(3000));
        Stubs.fails(FakeProviders.secondary, Stubs.error(500, "error-500.json"));

        Response response = chat("slow-first", false);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(response.asByteArray()).path("error").path("code").asText())
                .isEqualTo("upstream_timeout");
    }

    @Test
    void stopsAfterMaxAttempts() {
        Stubs.fails(FakeProviders.primary, Stubs.error(503, "error-500.json"));

        chat("single", false).then().statusCode(502).header("x-switchboard-attempts", "1");
        FakeProviders.primary.verify(1, postRequestedFor(urlEqualTo(Stubs.CHAT)));
    }
}
