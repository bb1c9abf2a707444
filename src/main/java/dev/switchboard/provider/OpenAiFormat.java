package dev.switchboard.provider;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.SseEvent;

/**
 * Building blocks of OpenAI's chat wire format for adapters that translate another API into it: completions,
 * stream chunks, usage, errors, and the parts of a request every translation reads. Stateless; thread-safe.
 */
public final class OpenAiFormat {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiFormat() {
    }

    public static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("invalid_json", "the request body is not valid JSON");
        }
    }

    public static JsonNode readOrNull(byte[] bytes) {
        try {
            return bytes == null || bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The text of a message's {@code content}: a string, or the text parts of a list joined by newlines. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) || part.has("text")) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    /** The caller asked for a final usage chunk ({@code stream_options.include_usage}). */
    public static boolean includeUsage(JsonNode request) {
        return request.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** {@code max_tokens}, or {@code max_completion_tokens}, or 0. */
    public static int maxTokens(JsonNode request) {
        int max = request.path("max_tokens").asInt(0);
        return max > 0 ? max : request.path("max_completion_tokens").asInt(0);
    }

    /** {@code stop} as a list (it may be a string). */
    public static ArrayNode stops(JsonNode request) {
        ArrayNode stops = NODES.arrayNode();
        JsonNode stop = request.path("stop");
        if (stop.isTextual()) {
            stops.add(stop.asText());
        } else if (stop.isArray()) {
            stop.forEach(s -> stops.add(s.asText()));
        }
        return stops;
    }

    /** A {@code data:} URL split into media type and base64 data, or null when it is not one. */
    public static String[] dataUrl(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int semicolon = url.indexOf(';');
        int comma = url.indexOf(',');
        if (semicolon < 0 || comma < semicolon || !url.substring(semicolon, comma).contains("base64")) {
            return null;
        }
        return new String[] { url.substring(5, semicolon), url.substring(comma + 1) };
    }

    /** Copies a numeric field under another name, when the caller set it. */
    public static void copyNumber(JsonNode from, String key, ObjectNode to, String as) {
        if (from.path(key).isNumber()) {
            to.set(as, from.get(key));
        }
    }

    /** The URL of an {@code image_url} content part (a string, or an object with {@code url}). */
    public static String imageUrl(JsonNode part) {
        JsonNode image = part.path("image_url");
        return image.isTextual() ? image.asText() : image.path("url").asText();
    }

    /** The parsed data of a server-sent event, or null when it is not JSON. */
    public static JsonNode data(SseEvent event) {
        return readOrNull(event.data().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds {@code items} as a turn of {@code role} (under {@code field}) to {@code turns}, merged into the previous
     * turn when that has the same role: APIs that require alternating roles get consecutive turns joined.
     */
    public static void appendTurn(ArrayNode turns, String role, String field, ArrayNode items) {
        if (items.isEmpty()) {
            return;
        }
        JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get(field)).addAll(items);
        } else {
            ObjectNode turn = turns.addObject().put("role", role);
            turn.set(field, items);
        }
    }

    /** The assistant message of a completion: its text (null when only tool calls), tool calls if any. */
    public static ObjectNode assistantMessage(CharSequence text, ArrayNode calls) {
        ObjectNode message = NODES.objectNode().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        message.putNull("refusal");
        return message;
    }

    /** A chat completion with one choice. */
    public static ObjectNode completion(String id, long created, String model, ObjectNode message, String finishReason,
            ObjectNode usage) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            root.set("usage", usage);
        }
        return root;
    }

    /** A stream chunk with one choice whose {@code delta} the caller fills; {@code finish_reason} null. */
    public static ObjectNode chunk(String id, long created, String model) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return root;
    }

    public static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.path("choices").get(0).path("delta");
    }

    public static void finish(ObjectNode chunk, String reason) {
        ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", reason);
    }

    /** The final usage chunk of {@code stream_options.include_usage}: no choices, only usage. */
    public static ObjectNode usageChunk(String id, long created, String model, ObjectNode usage) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
        root.putArray("choices");
        root.set("usage", usage);
        return root;
    }

    public static ObjectNode usage(long prompt, long completion) {
        return NODES.objectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    public static ObjectNode toolCall(int index, String id, String name, String arguments) {
        ObjectNode call = NODES.objectNode();
        if (index >= 0) {
            call.put("index", index);
        }
        if (id != null) {
            call.put("id", id).put("type", "function");
        }
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
        return call;
    }

    public static ObjectNode error(String message, String type, String code) {
        ObjectNode root = NODES.objectNode();
        root.putObject("error").put("message", message).put("type", type).put("code", code);
        return root;
    }

    public static SseEvent event(JsonNode node) {
        return SseEvent.data(node.toString());
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }
}
