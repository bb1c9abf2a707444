package dev.switchboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import dev.switchboard.testing.FakeProviders;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.Stubs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * An app speaking OpenAI's format, through the official OpenAI Java SDK, routed to fake Anthropic and Gemini APIs:
 * chats, streams, tool calls and embeddings come back as valid OpenAI objects; failover from OpenAI to Anthropic;
 * usage and cost totals.
 */
@QuarkusTest
@QuarkusTestResource(FakeProviders.class)
class TranslatingProvidersTest {

    @TestHTTPResource("/v1")
    URL baseUrl;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readiness;

    private OpenAIClient client;

    @BeforeEach
    void setUp() {
        FakeProviders.anthropic.resetAll();
        FakeProviders.gemini.resetAll();
        FakeProviders.primary.resetAll();
        var anthropic = FakeProviders.anthropic;
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).atPriority(9)
                .willReturn(okJson(Fixtures.text("anthropic/message.json"))));
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(okJson(Fixtures.text("anthropic/message-tool-use.json"))));
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).atPriority(3)
                .withRequestBody(matchingJsonPath("$[?(@.stream == true)]"))
                .willReturn(sse(Fixtures.text("anthropic/message-stream.sse"))));
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).atPriority(1)
                .withRequestBody(matchingJsonPath("$[?(@.stream == true)]"))
                .withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(sse(Fixtures.text("anthropic/message-stream-tool-use.sse"))));
        var gemini = FakeProviders.gemini;
        gemini.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-2.0-flash:generateContent"))
                .willReturn(okJson(Fixtures.text("gemini/generate-content.json"))));
        gemini.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent"))
                .withQueryParam("alt", equalTo("sse"))
                .willReturn(sse(Fixtures.text("gemini/stream-generate-content.sse"))));
        gemini.stubFor(post(urlPathEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents"))
                .willReturn(okJson(Fixtures.text("gemini/batch-embed-contents.json"))));
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("sk-caller").maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello")
                .build();
    }

    private String streamed(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            return streamText(stream);
        }
    }

    private static String streamText(StreamResponse<ChatCompletionChunk> stream) {
        return stream.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    @ParameterizedTest(name = "model={0}")
    @ValueSource(strings = { "claude", "gemini" })
    void answersChatsInOpenAiFormat(String model) {
        ChatCompletion completion = client.chat().completions().create(chat(model));

        assertThat(completion.choices().get(0).message().content()).hasValue("Hello! How can I help you today?");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // the fixtures' own counts: Anthropic 12 in / 10 out, Gemini 8 in / 9 out
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(model.equals("claude") ? 12 : 8);
        assertThat(usage.completionTokens()).isEqualTo(model.equals("claude") ? 10 : 9);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    /** Usage rows of the admin API, by provider/model. */
    private Map<String, Map<String, Object>> usageRows() throws Exception {
        URL usageUrl = new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(), "/api/v1/admin/usage");
        List<Map<String, Object>> rows = JsonPath.from(given().get(usageUrl).asString()).getList("usage");
        return rows.stream().collect(Collectors.toMap(r -> r.get("provider") + "/" + r.get("model"), r -> r));
    }

    private static long count(Map<String, Map<String, Object>> rows, String key, String field) {
        Map<String, Object> row = rows.get(key);
        return row == null ? 0 : ((Number) row.get(field)).longValue();
    }

    /**
     * A translated stream's usage is the provider's exact count (from the fixture), recorded whether or not the caller
     * asked for {@code include_usage}; the caller sees the usage chunk only when it asked.
     */
    @ParameterizedTest(name = "model={0}, include_usage={1}")
    @CsvSource({ "claude, true", "claude, false", "gemini, true", "gemini, false" })
    void recordsTheExactUsageOfTranslatedStreams(String model, boolean includeUsage) throws Exception {
        String key = model.equals("claude") ? "claude/claude-3-5-haiku-20241022" : "google/gemini-2.0-flash";
        // Anthropic: 12 in (message_start), 9 out (message_delta); Gemini: 8 in, 7 out (the last usageMetadata)
        long prompt = model.equals("claude") ? 12 : 8;
        long completion = model.equals("claude") ? 9 : 7;
        Map<String, Map<String, Object>> before = usageRows();
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("Hello");
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params.build())) {
            chunks = stream.stream().toList();
        }

        List<CompletionUsage> seen = chunks.stream().flatMap(c -> c.usage().stream()).toList();
        if (includeUsage) {
            assertThat(seen).singleElement().satisfies(u -> {
                assertThat(u.promptTokens()).isEqualTo(prompt);
                assertThat(u.completionTokens()).isEqualTo(completion);
            });
        } else {
            assertThat(seen).isEmpty();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Map<String, Object>> after = usageRows();
            assertThat(count(after, key, "requests") - count(before, key, "requests")).isEqualTo(1);
            assertThat(count(after, key, "estimated_requests") - count(before, key, "estimated_requests")).isZero();
            assertThat(count(after, key, "prompt_tokens") - count(before, key, "prompt_tokens")).isEqualTo(prompt);
            assertThat(count(after, key, "completion_tokens") - count(before, key, "completion_tokens"))
                    .isEqualTo(completion);
        });
    }

    @ParameterizedTest(name = "model={0}")
    @ValueSource(strings = { "claude", "gemini" })
    void answersStreamsInOpenAiFormat(String model) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(model))) {
            assertThat(streamText(stream)).isEqualTo("Hello! How can I help?");
        }
    }

    @Test
    void sendsEachApiItsOwnAuthenticationAndShape() {
        client.chat().completions().create(chat("claude"));
        client.chat().completions().create(chat("gemini"));

        FakeProviders.anthropic.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo(FakeProviders.ANTHROPIC_KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withoutHeader("Authorization")
                .withRequestBody(matchingJsonPath("$.system", equalTo("Be brief.")))
                .withRequestBody(matchingJsonPath("$.max_tokens")));
        FakeProviders.gemini.verify(postRequestedFor(urlPathEqualTo("/v1beta/models/gemini-2.0-flash:generateContent"))
                .withHeader("x-goog-api-key", equalTo(FakeProviders.GEMINI_KEY))
                .withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("Be brief."))));
    }

    private static ChatCompletionCreateParams toolChat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in SF?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .build())
                        .build()).build())
                .build();
    }

    @Test
    void returnsToolCallsFromAnthropic() {
        ChatCompletion completion = client.chat().completions().create(toolChat("claude"));

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).contains("San Francisco, CA");
    }

    @Test
    void streamsToolCallsFromAnthropic() {
        StringBuilder arguments = new StringBuilder();
        String name = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(toolChat("claude"))) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    for (ChatCompletionChunk.Choice.Delta.ToolCall call : choice.delta().toolCalls().orElse(List.of())) {
                        if (call.function().isPresent()) {
                            if (call.function().get().name().isPresent()) {
                                name = call.function().get().name().get();
                            }
                            arguments.append(call.function().get().arguments().orElse(""));
                        }
                    }
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(arguments.toString()).isEqualTo("{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}");
    }

    @Test
    void embedsThroughGemini() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini-embed").inputOfArrayOfStrings(List.of("a", "b"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).hasSize(8);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void failsOverFromOpenAiToAnthropic(boolean stream) {
        Stubs.fails(FakeProviders.primary, Stubs.error(500, "error-500.json"));

        String text = stream ? streamed(chat("openai-then-claude"))
                : client.chat().completions().create(chat("openai-then-claude")).choices().get(0).message().content()
                        .orElseThrow();

        assertThat(text).startsWith("Hello! How can I help");
        FakeProviders.primary.verify(1, postRequestedFor(urlEqualTo(Stubs.CHAT)));
        FakeProviders.anthropic.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
    }

    @Test
    void countsUsageAndCostExactly() throws Exception {
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).body("{\"model\":\"claude-usage\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}").post("/v1/chat/completions")
                    .then().statusCode(200).header("x-switchboard-cost-usd", "0.000186");
        }
        streamed(ChatCompletionCreateParams.builder().model("claude-usage").addUserMessage("hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        URL usageUrl = new URL(readiness.getProtocol(), readiness.getHost(), readiness.getPort(), "/api/v1/admin/usage");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonPath usage = JsonPath.from(given().get(usageUrl).asString());
            List<Map<String, Object>> rows = usage.getList("usage");
            Map<String, Object> row = rows.stream().filter(r -> "claude-usage".equals(r.get("model"))).findFirst()
                    .orElseThrow();
            assertThat(row).containsEntry("provider", "claude").containsEntry("requests", 3)
                    .containsEntry("estimated_requests", 0)
                    // 2 × (12 + 10) from the JSON answers, 12 + 9 from the stream's message_start and message_delta
                    .containsEntry("prompt_tokens", 36).containsEntry("completion_tokens", 29)
                    .containsEntry("total_tokens", 65);
            // (36 × $3 + 29 × $15) per million tokens
            assertThat(new java.math.BigDecimal(row.get("cost_usd").toString()))
                    .isEqualByComparingTo("0.000543");
        });
    }
}
