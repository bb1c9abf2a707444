package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;

import dev.switchboard.testing.ClientApiProviders;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An app written against the OpenAI Responses API, through the official OpenAI Java SDK (validating every answer
 * against its own model), routed by translation to a chat-only OpenAI-compatible, an Anthropic, a Gemini and a mock
 * provider: text, streams with their typed events, function tools, usage; the stateless refusals; models.retrieve.
 */
@QuarkusTest
@WithTestResource(ClientApiProviders.class)
class ResponsesApiTest {

    @TestHTTPResource("/v1")
    URL baseUrl;

    private OpenAIClient client;

    @BeforeEach
    void setUp() {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("sk-caller").maxRetries(0)
                .responseValidation(true).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static ResponseCreateParams.Builder hello(String model) {
        return ResponseCreateParams.builder().model(model).instructions("Be brief.").input("Hello")
                .maxOutputTokens(256);
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type",
                                "string"))))
                        .build())
                .build();
    }

    /** The stream's events, and the response of its {@code response.completed}. */
    private record Streamed(List<ResponseStreamEvent> events, Response completed) {
        String deltas() {
            return events.stream().flatMap(e -> e.outputTextDelta().stream()).map(d -> d.delta())
                    .collect(Collectors.joining());
        }
    }

    private Streamed streamed(ResponseCreateParams params) {
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            List<ResponseStreamEvent> events = stream.stream().toList();
            Response completed = events.get(events.size() - 1).completed().orElseThrow().response();
            return new Streamed(events, completed);
        }
    }

    private static String text(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(c -> c.outputText().stream())
                .map(t -> t.text()).collect(Collectors.joining());
    }

    @ParameterizedTest(name = "model={0}, stream={1}")
    @CsvSource({ "openai, false", "openai, true", "claude, false", "claude, true", "gemini, false", "gemini, true",
            "mock, false", "mock, true" })
    void answersThroughEveryProviderType(String model, boolean stream) {
        ResponseCreateParams params = hello(model).build();
        Response response;
        if (stream) {
            Streamed streamed = streamed(params);
            response = streamed.completed();
            assertThat(streamed.deltas()).isEqualTo(text(response));
            assertThat(streamed.events().get(0).created()).isPresent();
        } else {
            response = client.responses().create(params);
        }

        String expected = switch (model) {
            case "openai" -> stream ? "Hello! How can I help?" : "Hello! How can I assist you today?";
            case "claude", "gemini" -> stream ? "Hello! How can I help?" : "Hello! How can I help you today?";
            default -> "This is a mock answer from provider mock for model mock-model.";
        };
        assertThat(text(response)).isEqualTo(expected);
        assertThat(response.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(response.id()).startsWith("resp_");
        if (!stream || !model.equals("openai")) {
            ResponseUsage usage = response.usage().orElseThrow();
            assertThat(usage.inputTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        }
    }

    @ParameterizedTest(name = "model={0}, stream={1}")
    @CsvSource({ "openai, false", "openai, true", "claude, false", "claude, true" })
    void callsAFunctionTool(String model, boolean stream) {
        ResponseCreateParams params = hello(model).addTool(weatherTool()).build();
        Response response = stream ? streamed(params).completed() : client.responses().create(params);

        ResponseFunctionToolCall call = response.output().stream().flatMap(item -> item.functionCall().stream())
                .findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isNotBlank();
        assertThat(call.arguments()).contains("\"location\"");
    }

    @Test
    void sendsItemsInstructionsAndToolsAsAChatRequest() {
        client.responses().create(ResponseCreateParams.builder().model("openai").instructions("Be brief.")
                .inputOfResponse(List.of(
                        com.openai.models.responses.ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall
                                .builder().callId("call_1").name("get_weather").arguments("{\"location\":\"Oslo\"}")
                                .build()),
                        com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(
                                com.openai.models.responses.ResponseInputItem.FunctionCallOutput.builder()
                                        .callId("call_1").output("3 degrees").build())))
                .addTool(weatherTool()).maxOutputTokens(50).build());

        var sent = ClientApiProviders.openai.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        String last = sent.get(sent.size() - 1).getBodyAsString();
        assertThat(last).contains("{\"role\":\"system\",\"content\":\"Be brief.\"}")
                .contains("\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
                        + "\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Oslo\\\"}\"}}]")
                .contains("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"3 degrees\"}")
                .contains("\"max_completion_tokens\":50");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOver(boolean stream) {
        io.restassured.response.Response response = given().contentType(ContentType.JSON)
                .body("{\"model\":\"failover\",\"input\":\"Hello\",\"stream\":" + stream + "}")
                .post("/v1/responses");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("x-switchboard-attempts")).isEqualTo("2");
        if (stream) {
            assertThat(response.asString()).startsWith("event: response.created").contains("event: response.completed");
        } else {
            assertThat(response.jsonPath().getString("object")).isEqualTo("response");
        }
    }

    @Test
    void refusesWhatNeedsStoredState() {
        assertThatThrownBy(() -> client.responses().create(hello("openai").store(true).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("store");
        assertThatThrownBy(() -> client.responses().create(hello("openai").previousResponseId("resp_1").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("previous_response_id");
        assertThatThrownBy(() -> client.responses().retrieve("resp_123")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().delete("resp_123")).isInstanceOf(NotFoundException.class);
        given().get("/v1/responses/resp_123").then().statusCode(404).contentType(ContentType.JSON);
    }

    @Test
    void endsABrokenStreamWithResponseFailed() {
        String body = given().contentType(ContentType.JSON).body("{\"model\":\"cut\",\"input\":\"Hello\",\"stream\":true}")
                .post("/v1/responses").then().statusCode(200).extract().asString();

        assertThat(body).startsWith("event: response.created").contains("\"delta\":\"Hello\"")
                .contains("event: error").contains("event: response.failed").doesNotContain("response.completed");
    }

    @Test
    void retrievesARouteAsAModel() {
        Model model = client.models().retrieve("claude");
        assertThat(model.id()).isEqualTo("claude");
        assertThat(model.ownedBy()).isEqualTo("switchboard");
        assertThatThrownBy(() -> client.models().retrieve("no-such-route")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-route");
        given().get("/v1/nowhere").then().statusCode(404).body("error.message", org.hamcrest.Matchers.containsString(
                "/v1/responses"));
    }
}
