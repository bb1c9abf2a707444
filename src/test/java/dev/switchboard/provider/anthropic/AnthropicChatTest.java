package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.provider.StreamUsage;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.testing.Fixtures;

/** OpenAI chat ⇄ Anthropic Messages, each direction, from the recorded fixtures. */
class AnthropicChatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static final String CHAT = """
            {"model":"claude","max_tokens":300,"temperature":0.2,"top_p":0.9,"stop":"END","user":"u-42","n":3,
             "logprobs":true,"stream":true,
             "messages":[
              {"role":"system","content":"Be brief."},
              {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
              {"role":"user","content":"Weather in SF?"},
              {"role":"user","content":[{"type":"text","text":"And this picture?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\\"location\\":\\"SF\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C and sunny"},
              {"role":"user","content":"Thanks"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
               "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "parallel_tool_calls":false}
            """;

    @Test
    void translatesARequestWithSystemImagesToolsAndToolResults() throws Exception {
        JsonNode chat = json(CHAT);
        String before = chat.toString();

        JsonNode out = AnthropicChat.request(chat, "claude-3-5-haiku-20241022", 0, true);

        assertThat(chat.toString()).as("the caller's request is never modified").isEqualTo(before);
        assertThat(out.path("model").asText()).isEqualTo("claude-3-5-haiku-20241022");
        assertThat(out.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(out.path("system").asText()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(out.path("stop_sequences")).hasSize(1);
        assertThat(out.path("metadata").path("user_id").asText()).isEqualTo("u-42");
        assertThat(out.path("stream").asBoolean()).isTrue();
        assertThat(out.has("n")).isFalse();
        assertThat(out.has("logprobs")).isFalse();
        JsonNode messages = out.path("messages");
        // two consecutive user turns are merged; the tool result and the last user text merge too
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).path("content")).hasSize(4);
        JsonNode image = messages.get(0).path("content").get(2);
        assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(image.path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(image.path("source").path("data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(messages.get(0).path("content").get(3).path("source").path("url").asText())
                .isEqualTo("https://example.com/cat.jpg");
        JsonNode toolUse = messages.get(1).path("content").get(0);
        assertThat(toolUse.path("type").asText()).isEqualTo("tool_use");
        assertThat(toolUse.path("id").asText()).isEqualTo("call_1");
        assertThat(toolUse.path("input").path("location").asText()).isEqualTo("SF");
        JsonNode last = messages.get(2).path("content");
        assertThat(last.get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(last.get(0).path("tool_use_id").asText()).isEqualTo("call_1");
        assertThat(last.get(1).path("text").asText()).isEqualTo("Thanks");
        assertThat(out.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(out.path("tool_choice").path("type").asText()).isEqualTo("tool");
        assertThat(out.path("tool_choice").path("name").asText()).isEqualTo("get_weather");
        assertThat(out.path("tool_choice").path("disable_parallel_tool_use").asBoolean()).isTrue();
    }

    @Test
    void alwaysSendsMaxTokensFromTheCallerTheTargetOrTheDefault() throws Exception {
        JsonNode noMax = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(AnthropicChat.request(noMax, "m", 0, false).path("max_tokens").asInt())
                .isEqualTo(AnthropicChat.DEFAULT_MAX_TOKENS);
        assertThat(AnthropicChat.request(noMax, "m", 1234, false).path("max_tokens").asInt()).isEqualTo(1234);
        assertThat(AnthropicChat.request(json("{\"max_completion_tokens\":77,\"messages\":[]}"), "m", 1234, false)
                .path("max_tokens").asInt()).isEqualTo(77);
    }

    @Test
    void translatesATextResponse() throws Exception {
        JsonNode message = json(Fixtures.text("anthropic/message.json"));
        JsonNode out = AnthropicChat.response(message, 1700000000, AnthropicChat.usage(message.path("usage")));

        assertThat(out.path("object").asText()).isEqualTo("chat.completion");
        JsonNode choice = out.path("choices").get(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello! How can I help you today?");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(out.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(out.path("usage").path("completion_tokens").asInt()).isEqualTo(10);
        assertThat(out.path("usage").path("total_tokens").asInt()).isEqualTo(22);
    }

    @Test
    void translatesAToolUseResponse() throws Exception {
        JsonNode message = json(Fixtures.text("anthropic/message-tool-use.json"));
        JsonNode out = AnthropicChat.response(message, 1, AnthropicChat.usage(message.path("usage")));

        JsonNode choice = out.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("I'll check the weather.");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(json(call.path("function").path("arguments").asText()).path("location").asText())
                .isEqualTo("San Francisco, CA");
    }

    @Test
    void turnsErrorBodiesIntoOpenAiErrors() throws Exception {
        JsonNode out = AnthropicChat.error(json(Fixtures.text("anthropic/error-overloaded.json")), 529);

        assertThat(out.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(out.path("error").path("code").asText()).isEqualTo("overloaded_error");
        assertThat(out.path("error").path("message").asText()).isEqualTo("Overloaded");
        // a body that is not Anthropic's error shape still names the status, never an empty message
        assertThat(AnthropicChat.error(null, 502).path("error").path("message").asText())
                .isEqualTo("Anthropic answered HTTP 502");
        assertThat(AnthropicChat.error(null, 502).path("error").path("type").asText()).isEqualTo("api_error");
    }

    private static List<JsonNode> translate(String fixture, boolean includeUsage) throws Exception {
        AnthropicStream stream = new AnthropicStream(1700000000, includeUsage, new StreamUsage());
        List<JsonNode> out = new ArrayList<>();
        for (SseEvent event : Fixtures.sseEvents(fixture)) {
            for (SseEvent translated : stream.translate(event)) {
                out.add(translated.isDone() ? JSON.getNodeFactory().textNode("[DONE]") : json(translated.data()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "include_usage={0}")
    @ValueSource(booleans = { false, true })
    void translatesATextStreamEventByEvent(boolean includeUsage) throws Exception {
        List<JsonNode> chunks = translate("anthropic/message-stream.sse", includeUsage);

        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.path("choices").isEmpty()) {
                continue;
            }
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
            if (!chunk.path("choices").get(0).path("finish_reason").isNull()) {
                finish = chunk.path("choices").get(0).path("finish_reason").asText();
            }
        }
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(text.toString()).isEqualTo("Hello! How can I help?");
        assertThat(finish).isEqualTo("stop");
        assertThat(chunks.get(chunks.size() - 1).asText()).isEqualTo("[DONE]");
        JsonNode usageChunk = chunks.get(chunks.size() - 2);
        if (includeUsage) {
            assertThat(usageChunk.path("choices")).isEmpty();
            assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
            assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(9);
        } else {
            assertThat(usageChunk.has("usage")).isFalse();
        }
    }

    @Test
    void translatesToolUseDeltasIntoToolCallDeltas() throws Exception {
        List<JsonNode> chunks = translate("anthropic/message-stream-tool-use.sse", false);

        StringBuilder arguments = new StringBuilder();
        String id = null;
        String name = null;
        String finish = null;
        for (JsonNode chunk : chunks) {
            if (!chunk.isObject()) {
                continue;
            }
            JsonNode choice = chunk.path("choices").get(0);
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                assertThat(call.path("index").asInt()).isZero();
                if (call.has("id")) {
                    id = call.path("id").asText();
                    name = call.path("function").path("name").asText();
                }
                arguments.append(call.path("function").path("arguments").asText());
            }
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(id).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(name).isEqualTo("get_weather");
        assertThat(json(arguments.toString()).path("unit").asText()).isEqualTo("celsius");
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void turnsAStreamErrorEventIntoAnOpenAiErrorEventWithoutDone() throws Exception {
        List<JsonNode> chunks = translate("anthropic/message-stream-error.sse", true);

        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(chunks).noneMatch(c -> c.isTextual() && c.asText().equals("[DONE]"));
        assertThat(new String(last.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .startsWith("{\"error\"");
    }
}
