package dev.switchboard.schema.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.schema.Json;

/**
 * OpenAI-shaped error bodies, {@code {"error":{"message","type","code"}}}, and short safe summaries of the error
 * bodies providers send. Stateless; thread-safe.
 */
public final class OpenAiErrors {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String UPSTREAM = "upstream_error";
    public static final String SERVER = "server_error";

    private static final int MAX_UPSTREAM_MESSAGE = 300;

    private OpenAiErrors() {
    }

    public static byte[] body(String message, String type, String code) {
        return json(ErrorResponse.of(message, type, code));
    }

    /** A wire type as JSON bytes. */
    public static byte[] json(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * A short, safe description of an upstream error body for messages: {@code error.message} when it is OpenAI-shaped
     * JSON, else the start of the text.
     */
    public static String summarize(byte[] body) {
        if (body == null || body.length == 0) {
            return "empty body";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            JsonNode message = node.path("error").path("message");
            if (message.isTextual()) {
                return clip(message.asText());
            }
            if (node.path("error").isTextual()) {
                return clip(node.path("error").asText());
            }
        } catch (IOException e) {
            // not JSON: fall through to the raw text
        }
        return clip(new String(body, 0, Math.min(body.length, MAX_UPSTREAM_MESSAGE), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip());
    }

    /** OpenAI's error code for a prompt larger than the model's context window. */
    public static final String CONTEXT_LENGTH = "context_length_exceeded";

    /**
     * Whether an OpenAI-shaped error body says the prompt does not fit the model's context window: code
     * {@code context_length_exceeded} (OpenAI, and Switchboard's translation of Anthropic's and Gemini's errors), or
     * the message OpenAI-compatible servers (vLLM, llama.cpp, Ollama) send without that code.
     */
    public static boolean isContextLength(byte[] body) {
        if (body == null || body.length == 0) {
            return false;
        }
        try {
            JsonNode error = Json.MAPPER.readTree(body).path("error");
            if (CONTEXT_LENGTH.equals(error.path("code").asText())) {
                return true;
            }
            String message = error.path("message").asText().toLowerCase(java.util.Locale.ROOT);
            return message.contains("maximum context length") || message.contains("context length exceeded")
                    || message.contains("exceeds the context window");
        } catch (IOException e) {
            return false;
        }
    }

    private static String clip(String text) {
        return text.length() <= MAX_UPSTREAM_MESSAGE ? text : text.substring(0, MAX_UPSTREAM_MESSAGE) + "...";
    }
}
