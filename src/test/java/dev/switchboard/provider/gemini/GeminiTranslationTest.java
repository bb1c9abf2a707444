package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.provider.StreamUsage;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.testing.Fixtures;

/** OpenAI chat and embeddings ⇄ Gemini, each direction, from the recorded fixtures. */
class GeminiTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void translatesARequestWithSystemImagesToolsAndToolResults() throws Exception {
        JsonNode chat = json("""
                {"model":"g","max_tokens":200,"temperature":0.5,"top_p":0.8,"stop":["END"],
                 "response_format":{"type":"json_object"},
                 "messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
                  {"role":"assistant","content":"","tool_calls":[{"id":"call_7","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"SF\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_7","content":"{\\"temp\\":18}"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                 "tool_choice":"required"}
                """);
        String before = chat.toString();

        JsonNode out = GeminiChat.request(chat);

        assertThat(chat.toString()).isEqualTo(before);
        assertThat(out.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        JsonNode contents = out.path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(0).path("role").asText()).isEqualTo("user");
        assertThat(contents.get(0).path("parts").get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
        assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("args").path("location").asText())
                .isEqualTo("SF");
        JsonNode response = contents.get(2).path("parts").get(0).path("functionResponse");
        assertThat(response.path("name").asText()).isEqualTo("get_weather");
        assertThat(response.path("response").path("temp").asInt()).isEqualTo(18);
        assertThat(out.path("tools").get(0).path("functionDeclarations").get(0).path("name").asText())
                .isEqualTo("get_weather");
        assertThat(out.path("toolConfig").path("functionCallingConfig").path("mode").asText()).isEqualTo("ANY");
        JsonNode generation = out.path("generationConfig");
        assertThat(generation.path("maxOutputTokens").asInt()).isEqualTo(200);
        assertThat(generation.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(generation.path("topP").asDouble()).isEqualTo(0.8);
        assertThat(generation.path("stopSequences").get(0).asText()).isEqualTo("END");
        assertThat(generation.path("responseMimeType").asText()).isEqualTo("application/json");
    }

    @Test
    void translatesATextResponse() throws Exception {
        JsonNode out = GeminiChat.response(json(Fixtures.text("gemini/generate-content.json")), "gemini-2.0-flash",
                "chatcmpl-1", 1);

        JsonNode choice = out.path("choices").get(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello! How can I help you today?");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(out.path("usage").path("prompt_tokens").asInt()).isEqualTo(8);
        assertThat(out.path("usage").path("completion_tokens").asInt()).isEqualTo(9);
        assertThat(out.path("usage").path("total_tokens").asInt()).isEqualTo(17);
    }

    @Test
    void translatesAFunctionCallResponse() throws Exception {
        JsonNode out = GeminiChat.response(
                json(Fixtures.text("gemini/generate-content-function-call.json")), "gemini-2.0-flash", "chatcmpl-2", 1);

        JsonNode choice = out.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isNotBlank();
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(json(call.path("function").path("arguments").asText()).path("unit").asText()).isEqualTo("celsius");
    }

    private static List<SseEvent> stream(String fixture, boolean includeUsage) {
        GeminiStream stream = new GeminiStream("chatcmpl-3", "gemini-2.0-flash", 1, includeUsage, new StreamUsage());
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent event : Fixtures.sseEvents(fixture)) {
            out.addAll(stream.translate(event));
        }
        out.addAll(stream.finish());
        return out;
    }

    @ParameterizedTest(name = "include_usage={0}")
    @ValueSource(booleans = { false, true })
    void translatesATextStreamChunkByChunk(boolean includeUsage) throws Exception {
        List<SseEvent> events = stream("gemini/stream-generate-content.sse", includeUsage);

        assertThat(events.get(events.size() - 1).isDone()).isTrue();
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (SseEvent event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = json(event.data());
            if (chunk.has("usage")) {
                usage = chunk.path("usage");
                continue;
            }
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
            if (!chunk.path("choices").get(0).path("finish_reason").isNull()) {
                finish = chunk.path("choices").get(0).path("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo("Hello! How can I help?");
        assertThat(finish).isEqualTo("stop");
        if (includeUsage) {
            assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(8);
            assertThat(usage.path("completion_tokens").asInt()).isEqualTo(7);
        } else {
            assertThat(usage).isNull();
        }
    }

    @Test
    void translatesAFunctionCallStream() throws Exception {
        List<SseEvent> events = stream("gemini/stream-function-call.sse", false);

        JsonNode chunk = json(events.get(0).data());
        JsonNode call = chunk.path("choices").get(0).path("delta").path("tool_calls").get(0);
        assertThat(call.path("index").asInt()).isZero();
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(chunk.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(events.get(events.size() - 1).isDone()).isTrue();
    }

    @Test
    void addsNoDoneToAStreamThatEndsWithoutAFinishReason() {
        GeminiStream stream = new GeminiStream("c", "m", 1, true, new StreamUsage());
        stream.translate(Fixtures.sseEvents("gemini/stream-generate-content.sse").get(0));

        assertThat(stream.finish()).isEmpty();
    }

    @Test
    void translatesEmbeddingsSingleAndBatchAndBase64() throws Exception {
        JsonNode single = GeminiEmbeddings.embedRequest(json("{\"input\":\"hello\",\"dimensions\":8}"), "text-embedding-004");
        JsonNode batch = GeminiEmbeddings.embedRequest(json("{\"input\":[\"a\",\"b\"]}"), "text-embedding-004");

        assertThat(single.path("content").path("parts").get(0).path("text").asText()).isEqualTo("hello");
        assertThat(single.path("outputDimensionality").asInt()).isEqualTo(8);
        assertThat(batch.path("requests")).hasSize(2);
        assertThat(batch.path("requests").get(1).path("model").asText()).isEqualTo("models/text-embedding-004");

        JsonNode floats = GeminiEmbeddings.embedResponse(json(Fixtures.text("gemini/batch-embed-contents.json")),
                "text-embedding-004", false, 3);
        JsonNode base64 = GeminiEmbeddings.embedResponse(json(Fixtures.text("gemini/embed-content.json")),
                "text-embedding-004", true, 3);
        assertThat(floats.path("data")).hasSize(2);
        assertThat(floats.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(floats.path("data").get(0).path("embedding")).hasSize(8);
        ByteBuffer packed = ByteBuffer.wrap(Base64.getDecoder().decode(base64.path("data").get(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(packed.remaining()).isEqualTo(32);
        assertThat(packed.getFloat(0)).isEqualTo((float) json(Fixtures.text("gemini/embed-content.json"))
                .path("embedding").path("values").get(0).asDouble());
    }

    @Test
    void turnsGoogleErrorsIntoOpenAiErrors() throws Exception {
        JsonNode out = GeminiChat.error(json(Fixtures.text("gemini/error-rate-limit.json")), 429);

        assertThat(out.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(out.path("error").path("code").asText()).isEqualTo("resource_exhausted");
    }
}
