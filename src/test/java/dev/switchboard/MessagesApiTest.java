package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;

import dev.switchboard.testing.ClientApiProviders;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * An app written against the Anthropic Messages API, through the official Anthropic Java SDK (validating every answer
 * against its own model), routed to an OpenAI-compatible, an Anthropic, a Gemini and a mock provider: messages,
 * streams, tool calls, thinking, failover, count_tokens, and Anthropic-shaped errors.
 */
@QuarkusTest
@WithTestResource(ClientApiProviders.class)
class MessagesApiTest {

    @TestHTTPResource("/")
    URL root;

    private AnthropicClient client;

    @BeforeEach
    void setUp() {
        String base = root.toString().replaceAll("/$", "");
        client = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("sk-ant-caller-key").maxRetries(0)
                .responseValidation(true).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static MessageCreateParams.Builder hello(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("Be brief.").addUserMessage("Hello");
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("The current weather at a place")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("location", JsonValue.from(Map.of("type", "string"))).build())
                        .addRequired("location").build())
                .build();
    }

    private Message streamed(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    private static String text(Message message) {
        return message.content().stream().flatMap(block -> block.text().stream()).map(t -> t.text())
                .collect(Collectors.joining());
    }

    @ParameterizedTest(name = "model={0}, stream={1}")
    @CsvSource({ "openai, false", "openai, true", "claude, false", "claude, true", "gemini, false", "gemini, true",
            "mock, false", "mock, true" })
    void completesAMessageThroughEveryProviderType(String model, boolean stream) {
        MessageCreateParams params = hello(model).build();
        Message message = stream ? streamed(params) : client.messages().create(params);

        String expected = switch (model) {
            case "openai" -> stream ? "Hello! How can I help?" : "Hello! How can I assist you today?";
            case "claude", "gemini" -> stream ? "Hello! How can I help?" : "Hello! How can I help you today?";
            default -> "This is a mock answer from provider mock for model mock-model.";
        };
        assertThat(text(message)).isEqualTo(expected);
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        if (!stream || !model.equals("openai")) {
            // every fixture but the plain OpenAI stream reports usage
            assertThat(message.usage().inputTokens()).isPositive();
            assertThat(message.usage().outputTokens()).isPositive();
        }
    }

    @ParameterizedTest(name = "model={0}, stream={1}")
    @CsvSource({ "openai, false", "openai, true", "claude, false", "claude, true" })
    void callsATool(String model, boolean stream) {
        MessageCreateParams params = hello(model).addTool(weatherTool()).build();
        Message message = stream ? streamed(params) : client.messages().create(params);

        assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = message.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use.id()).isNotBlank();
        @SuppressWarnings("unchecked")
        Map<String, Object> input = use._input().convert(Map.class);
        assertThat(input.get("location")).asString().isIn("Boston, MA", "San Francisco, CA");
    }

    @Test
    void sendsTheToolDefinitionAndTheToolResultAsChatMessages() {
        MessageCreateParams params = MessageCreateParams.builder().model("openai").maxTokens(100)
                .addTool(weatherTool())
                .addUserMessage("Weather in Boston?")
                .addMessage(client.messages().create(hello("openai").addTool(weatherTool()).build()))
                .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                        com.anthropic.models.messages.ToolResultBlockParam.builder().toolUseId("call_abc123")
                                .content("12 degrees").build())))
                .build();
        client.messages().create(params);

        var sent = ClientApiProviders.openai.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        String last = sent.get(sent.size() - 1).getBodyAsString();
        assertThat(last).contains("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"")
                .contains("\"tool_calls\":[{\"id\":\"call_abc123\"")
                .contains("{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"content\":\"12 degrees\"}")
                .contains("\"max_completion_tokens\":100");
    }

    @Test
    void answersTheUpstreamsReasoningAsAThinkingBlock() {
        Message message = client.messages().create(MessageCreateParams.builder().model("openai").maxTokens(256)
                .system("Think first.").addUserMessage("Hello").build());

        List<ContentBlock> content = message.content();
        assertThat(content.get(0).thinking()).hasValueSatisfying(
                t -> assertThat(t.thinking()).isEqualTo("The user greets me; a short greeting back is enough."));
        assertThat(content.get(1).text()).hasValueSatisfying(
                t -> assertThat(t.text()).isEqualTo("Hello! How can I help you today?"));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverBetweenProviders(boolean stream) {
        Response response = given().contentType(ContentType.JSON).header("x-api-key", "sk-ant-caller-key")
                .header("anthropic-version", "2023-06-01")
                .body("{\"model\":\"failover\",\"max_tokens\":64,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(response.header("x-switchboard-provider")).isEqualTo("claude");
        if (stream) {
            assertThat(response.asString()).startsWith("event: message_start").contains("event: message_stop");
        } else {
            assertThat(response.jsonPath().getString("type")).isEqualTo("message");
        }
    }

    @Test
    void neverForwardsTheCallersAnthropicHeaders() {
        client.messages().create(hello("claude").build());
        client.messages().create(hello("openai").build());

        ClientApiProviders.anthropic.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo(ClientApiProviders.ANTHROPIC_KEY)));
        ClientApiProviders.openai.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("x-api-key", absent())
                .withHeader("Authorization", equalTo("Bearer " + ClientApiProviders.OPENAI_KEY)));
        assertThat(ClientApiProviders.anthropic.findAll(postRequestedFor(urlEqualTo("/v1/messages"))))
                .noneMatch(r -> r.getHeader("x-api-key").contains("caller"));
    }

    @Test
    void countsTokens() {
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("claude")
                .addUserMessage("Hello there, how are you doing today?").build()).inputTokens();

        assertThat(tokens).isBetween(5L, 30L);
    }

    @Test
    void answersErrorsInAnthropicsShape() {
        assertThatThrownBy(() -> client.messages().create(hello("no-such-route").build()))
                .isInstanceOf(NotFoundException.class);

        Response unknown = given().contentType(ContentType.JSON)
                .body("{\"model\":\"no-such-route\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/v1/messages");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("type")).isEqualTo("error");
        assertThat(unknown.jsonPath().getString("error.type")).isEqualTo("not_found_error");
        assertThat(unknown.jsonPath().getString("error.message")).contains("no-such-route");

        Response garbled = given().contentType(ContentType.JSON).body("{\"model\":").post("/v1/messages");
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(garbled.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");

        Response serverTool = given().contentType(ContentType.JSON).body("{\"model\":\"claude\",\"max_tokens\":5,"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").post("/v1/messages");
        assertThat(serverTool.statusCode()).isEqualTo(400);
        assertThat(serverTool.jsonPath().getString("error.message")).contains("web_search_20250305");

        Response method = given().get("/v1/messages");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");

        Response path = given().get("/v1/messages/batches");
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(path.jsonPath().getString("error.type")).isEqualTo("not_found_error");
    }

    @Test
    void endsABrokenStreamWithAnErrorEvent() {
        String body = given().contentType(ContentType.JSON)
                .body("{\"model\":\"cut\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages").then().statusCode(200).extract().asString();

        assertThat(body).startsWith("event: message_start").contains("\"text\":\"Hello\"")
                .endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                        + "\"message\":\"the stream from failing/cut ended without [DONE]\"}}\n\n")
                .doesNotContain("message_stop");
    }
}
