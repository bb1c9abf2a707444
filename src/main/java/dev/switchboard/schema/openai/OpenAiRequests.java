package dev.switchboard.schema.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading OpenAI requests, for adapters that translate them into another API: message text, images, limits, stops,
 * and merging turns for APIs that require alternating roles. Never modifies the request. Stateless; thread-safe.
 */
public final class OpenAiRequests {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiRequests() {
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
}
