package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;

/**
 * OpenAI chat ⇄ Anthropic Messages, for whole requests and responses. Reads the caller's request tree and never
 * modifies it (one translation per attempt). Parameters with no Messages equivalent ({@code n}, {@code logprobs},
 * {@code presence_penalty}, {@code frequency_penalty}, {@code logit_bias}, {@code seed}, {@code response_format},
 * ...) are dropped. Stateless; thread-safe.
 */
public final class AnthropicChat {

    /** Sent as {@code max_tokens} when neither the caller nor the target sets one (the API requires it). */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicChat() {
    }

    /** The Messages request for an OpenAI chat request. */
    public static ObjectNode request(JsonNode chat, String model, int targetMaxTokens, boolean stream) {
        ObjectNode out = OpenAiFormat.object().put("model", model);
        int max = OpenAiRequests.maxTokens(chat);
        out.put("max_tokens", max > 0 ? max : targetMaxTokens > 0 ? targetMaxTokens : DEFAULT_MAX_TOKENS);
        StringBuilder system = new StringBuilder();
        ArrayNode messages = out.putArray("messages");
        for (JsonNode message : chat.path("messages")) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(OpenAiRequests.text(message.path("content")));
                }
                case "assistant" -> OpenAiRequests.appendTurn(messages, "assistant", "content", assistantBlocks(message));
                case "tool" -> {
                    ObjectNode result = OpenAiFormat.object().put("type", "tool_result")
                            .put("tool_use_id", message.path("tool_call_id").asText());
                    result.put("content", OpenAiRequests.text(message.path("content")));
                    OpenAiRequests.appendTurn(messages, "user", "content", OpenAiFormat.array().add(result));
                }
                default -> OpenAiRequests.appendTurn(messages, "user", "content", userBlocks(message.path("content")));
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        if (chat.path("tools").isArray() && !chat.path("tools").isEmpty()) {
            ArrayNode tools = out.putArray("tools");
            for (JsonNode tool : chat.path("tools")) {
                JsonNode function = tool.path("function");
                ObjectNode t = tools.addObject().put("name", function.path("name").asText());
                if (function.hasNonNull("description")) {
                    t.put("description", function.path("description").asText());
                }
                t.set("input_schema", function.has("parameters") ? function.get("parameters")
                        : OpenAiFormat.object().put("type", "object"));
            }
            ObjectNode choice = toolChoice(chat.path("tool_choice"));
            if (chat.path("parallel_tool_calls").isBoolean() && !chat.path("parallel_tool_calls").asBoolean()) {
                if (choice == null) {
                    choice = OpenAiFormat.object().put("type", "auto");
                }
                choice.put("disable_parallel_tool_use", true);
            }
            if (choice != null) {
                out.set("tool_choice", choice);
            }
        }
        OpenAiRequests.copyNumber(chat, "temperature", out, "temperature");
        OpenAiRequests.copyNumber(chat, "top_p", out, "top_p");
        ArrayNode stops = OpenAiRequests.stops(chat);
        if (!stops.isEmpty()) {
            out.set("stop_sequences", stops);
        }
        if (chat.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", chat.path("user").asText());
        }
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "required" -> OpenAiFormat.object().put("type", "any");
                case "none" -> OpenAiFormat.object().put("type", "none");
                default -> OpenAiFormat.object().put("type", "auto");
            };
        }
        if (choice.isObject() && choice.path("function").has("name")) {
            return OpenAiFormat.object().put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        return null;
    }

    private static ArrayNode userBlocks(JsonNode content) {
        ArrayNode blocks = OpenAiFormat.array();
        if (content.isTextual()) {
            blocks.addObject().put("type", "text").put("text", content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (type.equals("text")) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText());
            } else if (type.equals("image_url")) {
                String url = OpenAiRequests.imageUrl(part);
                String[] data = OpenAiRequests.dataUrl(url);
                ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                if (data != null) {
                    source.put("type", "base64").put("media_type", data[0]).put("data", data[1]);
                } else {
                    source.put("type", "url").put("url", url);
                }
            }
        }
        return blocks;
    }

    private static ArrayNode assistantBlocks(JsonNode message) {
        ArrayNode blocks = OpenAiFormat.array();
        String text = OpenAiRequests.text(message.path("content"));
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            JsonNode input = OpenAiFormat.readOrNull(call.path("function").path("arguments").asText("")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            use.set("input", input != null && input.isObject() ? input : OpenAiFormat.object());
        }
        return blocks;
    }

    /** The OpenAI chat completion for a Messages response, with {@code usage} read from it. */
    public static ObjectNode response(JsonNode message, long created, Usage usage) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = OpenAiFormat.array();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.add(OpenAiFormat.toolCall(-1, block.path("id").asText(),
                        block.path("name").asText(), block.path("input").toString()));
                default -> {
                    // thinking and other block types have no OpenAI equivalent
                }
            }
        }
        ObjectNode reply = OpenAiFormat.assistantMessage(text, calls);
        return OpenAiFormat.completion(message.path("id").asText(), created, message.path("model").asText(), reply,
                finishReason(message.path("stop_reason").asText(null)), OpenAiFormat.usage(usage));
    }

    /**
     * Usage from a Messages {@code usage} object: prompt tokens are input plus cache writes plus cache reads (what
     * OpenAI counts as prompt tokens), cache reads are the cached tokens.
     */
    public static Usage usage(JsonNode usage) {
        long cached = usage.path("cache_read_input_tokens").asLong();
        long prompt = usage.path("input_tokens").asLong() + usage.path("cache_creation_input_tokens").asLong() + cached;
        return new Usage(prompt, usage.path("output_tokens").asLong(), cached, 0, false);
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** An OpenAI-shaped error from a Messages error body ({@code {"type":"error","error":{"type","message"}}}). */
    public static ObjectNode error(JsonNode body, int status) {
        JsonNode error = body == null ? null : body.path("error");
        String type = error != null && error.hasNonNull("type") ? error.path("type").asText() : "api_error";
        String message = error != null && error.hasNonNull("message") ? error.path("message").asText()
                : "Anthropic answered HTTP " + status;
        // "prompt is too long: 208914 tokens > 200000 maximum": the context window, in OpenAI's words
        String code = type.equals("invalid_request_error") && message.startsWith("prompt is too long")
                ? OpenAiErrors.CONTEXT_LENGTH
                : type;
        return OpenAiFormat.error(message, type, code);
    }
}
