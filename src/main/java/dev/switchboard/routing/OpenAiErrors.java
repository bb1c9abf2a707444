package dev.switchboard.routing;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.schema.openai.ErrorResponse;

/**
 * OpenAI-shaped error bodies, {@code {"error":{"message","type","code"}}}: the only error format Switchboard answers
 * with.
 */
public final class OpenAiErrors {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String UPSTREAM = "upstream_error";
    public static final String SERVER = "server_error";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_UPSTREAM_MESSAGE = 300;

    private OpenAiErrors() {
    }

    public static byte[] body(String message, String type, String code) {
        return json(ErrorResponse.of(message, type, code));
    }

    /** A wire type as JSON bytes. */
    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    public static ProxyResponse response(int status, String message, String type, String code,
            Map<String, List<String>> extraHeaders) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", List.of("application/json"));
        return ProxyResponse.json(status, headers, body(message, type, code));
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
            JsonNode node = JSON.readTree(body);
            JsonNode message = node.path("error").path("message");
            if (message.isTextual()) {
                return clip(message.asText());
            }
            if (node.path("error").isTextual()) {
                return clip(node.path("error").asText());
            }
        } catch (java.io.IOException e) {
            // not JSON: fall through to the raw text
        }
        return clip(new String(body, 0, Math.min(body.length, MAX_UPSTREAM_MESSAGE),
                java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip());
    }

    private static String clip(String text) {
        return text.length() <= MAX_UPSTREAM_MESSAGE ? text : text.substring(0, MAX_UPSTREAM_MESSAGE) + "...";
    }
}
