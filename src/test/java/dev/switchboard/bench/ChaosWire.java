package dev.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OpenAI's wire format as the chaos fakes send it and the chaos client checks it, from the recordings under
 * {@code src/test/resources/fixtures/openai/}.
 */
final class ChaosWire {

    /** Strict: a body with anything after its JSON value does not parse. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A {@code chat.completion} answer. */
    static final String COMPLETION = fixture("chat-completion.json");
    /** The SSE events of a {@code chat.completion.chunk} stream, each ending in a blank line, {@code [DONE]} last. */
    static final List<String> STREAM_EVENTS = events(fixture("chat-completion-stream.sse"));
    static final String RATE_LIMITED = fixture("error-429.json");
    static final String SERVER_ERROR = fixture("error-500.json");
    static final String UNAVAILABLE = "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    /** A data line cut short. */
    static final String MALFORMED_EVENT = "data: {\"id\":\n\n";
    static final String DONE = "[DONE]";

    /** The assistant text of {@link #COMPLETION}. */
    static final String COMPLETION_TEXT = parse(COMPLETION).path("choices").path(0).path("message").path("content")
            .asText();
    /** The assistant text of {@link #STREAM_EVENTS}, joined. */
    static final String STREAM_TEXT = streamText();

    private ChaosWire() {
    }

    private static String fixture(String name) {
        String path = "fixtures/openai/" + name;
        try (InputStream in = ChaosWire.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the class path (run from the test class path)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> events(String sse) {
        List<String> events = new ArrayList<>();
        for (String line : sse.lines().toList()) {
            if (line.startsWith("data:")) {
                events.add(line + "\n\n");
            }
        }
        if (events.isEmpty() || !events.get(events.size() - 1).equals("data: " + DONE + "\n\n")) {
            throw new IllegalStateException("the stream fixture does not end with [DONE]");
        }
        return List.copyOf(events);
    }

    private static String streamText() {
        StringBuilder text = new StringBuilder();
        for (String event : STREAM_EVENTS) {
            String data = data(event.strip());
            if (!data.equals(DONE)) {
                text.append(parse(data).path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }

    /** The payload of a {@code data:} line. */
    static String data(String line) {
        String value = line.substring("data:".length());
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** The JSON value of {@code text}, or {@code null} when it does not parse as exactly one value. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code node} is OpenAI's error shape, {@code {"error":{"message","type","code"}}}. */
    static boolean isOpenAiError(JsonNode node) {
        if (node == null || !node.path("error").isObject()) {
            return false;
        }
        JsonNode error = node.get("error");
        return error.path("message").isTextual() && error.path("type").isTextual() && error.has("code");
    }
}
