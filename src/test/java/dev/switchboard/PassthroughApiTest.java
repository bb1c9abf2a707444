package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStreamEvent;

import dev.switchboard.testing.ClientApiProviders;
import dev.switchboard.testing.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Pass-through: {@code /v1/messages} to an {@code anthropic} provider and {@code /v1/responses} to an {@code openai}
 * provider with {@code responses-api: true} send the caller's own body (model replaced) and relay the provider's answer
 * byte for byte, streams event by event, through the official SDKs (validating every answer); stored responses are
 * read and deleted at the provider that answered them; a stream that breaks ends with the schema's own error event.
 */
@QuarkusTest
@WithTestResource(ClientApiProviders.class)
class PassthroughApiTest {

    @TestHTTPResource("/v1")
    URL baseUrl;

    @TestHTTPResource("/")
    URL root;

    private AnthropicClient anthropic;
    private OpenAIClient openai;

    @BeforeEach
    void setUp() {
        ClientApiProviders.openai.resetRequests();
        ClientApiProviders.anthropic.resetRequests();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(root.toString().replaceAll("/$", "")).apiKey("sk-caller")
                .maxRetries(0).responseValidation(true).build();
        openai = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("sk-caller").maxRetries(0)
                .responseValidation(true).build();
    }

    @AfterEach
    void tearDown() {
        anthropic.close();
        openai.close();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void passesAMessagesRequestToAnAnthropicProviderUnchanged(boolean stream) {
        String body = "{\"model\":\"claude\",\"max_tokens\":64,\"top_k\":5,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

        io.restassured.response.Response answer = given().contentType(ContentType.JSON).body(body)
                .post("/v1/messages");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.header("x-switchboard-provider")).isEqualTo("claude");
        // the provider's own answer, byte for byte: Anthropic's ids, ping events and all
        assertThat(answer.asString()).isEqualTo(Fixtures.text(stream ? "anthropic/message-stream.sse"
                : "anthropic/message.json"));
        // the caller's own body went upstream, model replaced: top_k is not a chat-completions field
        ClientApiProviders.anthropic.verify(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson(
                "{\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":64,\"top_k\":5,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")));
    }

    @Test
    void answersTheAnthropicSdkThroughThePassThroughStreamAndMessage() {
        MessageCreateParams params = MessageCreateParams.builder().model("claude").maxTokens(64)
                .addUserMessage("Hello").build();

        Message message = anthropic.messages().create(params);
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = anthropic.messages().createStreaming(params)) {
            events.stream().forEach(accumulator::accumulate);
        }

        assertThat(message.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(accumulator.message().id()).isEqualTo("msg_01HCqeGTjXHZ9dvXJ6YbmmKv");
        assertThat(accumulator.message().content().get(0).asText().text()).isEqualTo("Hello! How can I help?");
        assertThat(accumulator.message().usage().outputTokens()).isEqualTo(9);
    }

    @Test
    void endsABrokenPassedThroughMessagesStreamWithAnAnthropicErrorEvent() {
        String body = given().contentType(ContentType.JSON).body("{\"model\":\"claude-cut\",\"max_tokens\":64,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}").post("/v1/messages")
                .then().statusCode(200).extract().asString();

        assertThat(body).startsWith("event: message_start").contains("\"text\":\"Hello\"")
                .doesNotContain("message_stop").doesNotContain("[DONE]");
        assertThat(body.strip()).endsWith("}").contains("event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"api_error\",\"message\":\"the stream from claude/claude-cut ended without its closing"
                + " event\"}}");
    }

    @Test
    void countsTokensAtTheRoutesAnthropicProvider() {
        long counted = anthropic.messages().countTokens(MessageCountTokensParams.builder().model("claude")
                .addUserMessage("Hello").build()).inputTokens();
        long estimated = anthropic.messages().countTokens(MessageCountTokensParams.builder().model("openai")
                .addUserMessage("Hello").build()).inputTokens();

        // the provider's own count (the fake answers 14), model replaced; an openai route gets the estimate
        assertThat(counted).isEqualTo(14);
        assertThat(estimated).isNotEqualTo(14).isPositive();
        ClientApiProviders.anthropic.verify(1, postRequestedFor(urlEqualTo("/v1/messages/count_tokens"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("claude-3-5-haiku-20241022"))));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void passesAResponsesRequestToAResponsesCapableProviderUnchanged(boolean stream) {
        String body = "{\"model\":\"native-responses\",\"input\":\"Hello\",\"store\":true,\"stream\":" + stream + "}";

        io.restassured.response.Response answer = given().contentType(ContentType.JSON).body(body)
                .post("/v1/responses");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.header("x-switchboard-provider")).isEqualTo("responses");
        assertThat(answer.asString()).isEqualTo(Fixtures.text(stream ? "openai/response-stream.sse"
                : "openai/response.json"));
        ClientApiProviders.openai.verify(postRequestedFor(urlEqualTo("/v1/responses")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4.1\",\"input\":\"Hello\",\"store\":true,\"stream\":" + stream + "}"))
                .withHeader("Authorization", equalTo("Bearer " + ClientApiProviders.OPENAI_KEY)));
    }

    @Test
    void answersTheOpenAiSdkThroughThePassThroughStreamAndResponse() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("native-responses").input("Hello").build();

        Response response = openai.responses().create(params);
        List<ResponseStreamEvent> events;
        try (com.openai.core.http.StreamResponse<ResponseStreamEvent> stream = openai.responses()
                .createStreaming(params)) {
            events = stream.stream().toList();
        }

        assertThat(response.id()).isEqualTo(ClientApiProviders.RESPONSE_ID);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(9);
        assertThat(events.stream().flatMap(e -> e.outputTextDelta().stream()).map(d -> d.delta())
                .collect(Collectors.joining())).isEqualTo("Hello! How can I help you today?");
        assertThat(events.get(events.size() - 1).completed()).isPresent();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void passesAFunctionToolThroughAndReturnsTheProvidersFunctionCall(boolean stream) {
        ResponseCreateParams params = ResponseCreateParams.builder().model("native-responses").input("Weather in Boston?")
                .addTool(FunctionTool.builder().name("get_weather").strict(true).parameters(FunctionTool.Parameters
                        .builder().putAdditionalProperty("type", JsonValue.from("object")).build()).build())
                .build();

        Response response;
        if (stream) {
            try (com.openai.core.http.StreamResponse<ResponseStreamEvent> events = openai.responses()
                    .createStreaming(params)) {
                List<ResponseStreamEvent> all = events.stream().toList();
                assertThat(all.stream().flatMap(e -> e.functionCallArgumentsDelta().stream()).map(d -> d.delta())
                        .collect(Collectors.joining())).isEqualTo("{\"location\":\"Boston, MA\"}");
                response = all.get(all.size() - 1).completed().orElseThrow().response();
            }
        } else {
            response = openai.responses().create(params);
        }

        ResponseFunctionToolCall call = response.output().get(0).functionCall().orElseThrow();
        assertThat(call.callId()).isEqualTo("call_unLAR8MvFNptuiZK6K6HCy5k");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"location\":\"Boston, MA\"}");
        ClientApiProviders.openai.verify(postRequestedFor(urlEqualTo("/v1/responses")).withRequestBody(
                matchingJsonPath("$.tools[0].name", equalTo("get_weather"))));
    }

    @Test
    void readsAndDeletesAStoredResponseAtTheProviderThatAnsweredIt() {
        Response created = openai.responses().create(ResponseCreateParams.builder().model("native-responses")
                .input("Hello").store(true).build());

        Response retrieved = openai.responses().retrieve(created.id());
        openai.responses().delete(created.id());

        assertThat(retrieved.id()).isEqualTo(created.id());
        ClientApiProviders.openai.verify(getRequestedFor(urlEqualTo("/v1/responses/" + created.id())));
        ClientApiProviders.openai.verify(deleteRequestedFor(urlEqualTo("/v1/responses/" + created.id())));
        // forgotten once deleted
        given().get("/v1/responses/" + created.id()).then().statusCode(404).contentType(ContentType.JSON);
    }

    @Test
    void neverLetsAStoredResponsePathReachAnotherPathOfTheProvider() {
        openai.responses().create(ResponseCreateParams.builder().model("native-responses").input("Hello").store(true)
                .build());

        given().delete("/v1/responses/" + ClientApiProviders.RESPONSE_ID + "%2F..%2F..%2Ffiles%2Ffile-abc").then()
                .statusCode(404);
        given().get("/v1/responses/" + ClientApiProviders.RESPONSE_ID + "%2F..%2Fmodels").then().statusCode(404);

        // with the provider's key, nothing but the stored response's own paths is ever asked for
        assertThat(ClientApiProviders.openai.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlMatching(".*(files|models).*")))).isEmpty();
    }

    @Test
    void sendsAFollowUpToTheProviderThatKeepsItsPreviousResponse() {
        Response first = openai.responses().create(ResponseCreateParams.builder().model("native-failover")
                .input("Hello").build());

        Response followUp = openai.responses().create(ResponseCreateParams.builder().model("native-failover")
                .input("And then?").previousResponseId(first.id()).build());

        assertThat(followUp.id()).isEqualTo(ClientApiProviders.RESPONSE_ID);
        ClientApiProviders.openai.verify(postRequestedFor(urlEqualTo("/v1/responses")).withRequestBody(
                matchingJsonPath("$.previous_response_id", equalTo(first.id()))));
        // the route's chat-only target cannot hold state: only the Responses-capable one was tried for the follow-up
        given().contentType(ContentType.JSON).body("{\"model\":\"openai\",\"input\":\"And then?\","
                + "\"previous_response_id\":\"" + first.id() + "\"}").post("/v1/responses").then().statusCode(400);
    }

    @Test
    void failsOverFromABrokenProviderToThePassThrough() {
        io.restassured.response.Response answer = given().contentType(ContentType.JSON)
                .body("{\"model\":\"native-failover\",\"input\":\"Hello\"}").post("/v1/responses");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(answer.asString()).isEqualTo(Fixtures.text("openai/response.json"));
    }

    @Test
    void endsABrokenPassedThroughResponsesStreamWithAnErrorEventThatContinuesTheSequence() {
        String body = given().contentType(ContentType.JSON).body("{\"model\":\"native-responses-cut\",\"input\":"
                + "\"Hello\",\"stream\":true}").post("/v1/responses").then().statusCode(200).extract().asString();

        assertThat(body).startsWith("event: response.created").doesNotContain("response.completed");
        assertThat(body).endsWith("event: error\ndata: {\"type\":\"error\",\"code\":\"stream_interrupted\",\"message\":"
                + "\"the stream from responses/cut ended without its closing event\",\"param\":null,"
                + "\"sequence_number\":5}\n\n");
    }
}
