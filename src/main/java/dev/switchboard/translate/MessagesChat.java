package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.openai.OpenAiFormat;

/**
 * Anthropic Messages ⇄ chat completions: {@code system} (text or blocks) and the turns' blocks (text, images,
 * {@code tool_use}, {@code tool_result}) become chat messages, tools chat tools, {@code tool_choice},
 * {@code stop_sequences} and {@code metadata.user_id} their chat equivalents; the chat answer becomes a
 * {@code message} with {@code thinking} (from the upstream's reasoning content), {@code text} and {@code tool_use}
 * blocks, Anthropic's stop reason and usage. Errors take Anthropic's shape and types. {@code thinking} settings,
 * {@code top_k} and cache control have no chat equivalent and are dropped; server tools and documents answer 400.
 * Stateless; thread-safe.
 */
public final class MessagesChat implements ClientApi {

    public static final MessagesChat INSTANCE = new MessagesChat();

    private MessagesChat() {
    }

    @Override
    public ObjectNode toChat(JsonNode request) {
        return MessagesRequest.chat(request);
    }

    @Override
    public Dialect dialect() {
        return Dialect.ANTHROPIC;
    }

    @Override
    public ProxyResponse fromNative(ProxyResponse served) {
        return ChatFrames.rewritingErrors(served, MessagesStream::errorEvent, frame -> {
        });
    }

    @Override
    public ProxyResponse fromChat(ProxyResponse chat, JsonNode request) {
        if (chat.stream() != null) {
            return ProxyResponse.streaming(chat.status(), chat.headers(), MessagesStream.translate(chat.stream()));
        }
        JsonNode body = OpenAiFormat.readOrNull(chat.whole().getBytes());
        if (chat.status() != 200) {
            JsonNode error = body == null ? null : body.path("error");
            String message = error != null && error.path("message").isTextual() ? error.path("message").asText()
                    : "HTTP " + chat.status();
            return error(chat.status(), message, null, chat.headers());
        }
        if (body == null || !body.isObject()) {
            return error(502, "The provider's answer could not be read.", null, chat.headers());
        }
        return ProxyResponse.json(200, chat.headers(), OpenAiFormat.bytes(message(body)));
    }

    /** The Anthropic {@code message} for a chat completion. */
    static ObjectNode message(JsonNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode reply = choice.path("message");
        ObjectNode message = start(completion);
        ArrayNode content = message.putArray("content");
        String thinking = reasoning(reply);
        if (!thinking.isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", thinking).put("signature", "");
        }
        String text = reply.path("content").asText("");
        if (!text.isEmpty() || reply.path("tool_calls").isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : reply.path("tool_calls")) {
            JsonNode input = OpenAiFormat.readOrNull(call.path("function").path("arguments").asText("")
                    .getBytes(StandardCharsets.UTF_8));
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            use.set("input", input != null && input.isObject() ? input : OpenAiFormat.object());
        }
        message.put("stop_reason", stopReason(choice.path("finish_reason").asText("stop")));
        message.set("usage", usage(completion.path("usage")));
        return message;
    }

    /** A {@code message} with no content yet, as {@code message_start} carries it. */
    static ObjectNode start(JsonNode completion) {
        ObjectNode message = OpenAiFormat.object().put("id", "msg_" + completion.path("id").asText(""))
                .put("type", "message").put("role", "assistant").put("model", completion.path("model").asText());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(OpenAiFormat.object()));
        return message;
    }

    /** The upstream's reasoning text ({@code reasoning_content}, or {@code reasoning}), or empty. */
    static String reasoning(JsonNode messageOrDelta) {
        JsonNode reasoning = messageOrDelta.path("reasoning_content");
        if (!reasoning.isTextual()) {
            reasoning = messageOrDelta.path("reasoning");
        }
        return reasoning.isTextual() ? reasoning.asText() : "";
    }

    static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic usage from chat usage: input tokens exclude the cached ones, which are cache reads. */
    static ObjectNode usage(JsonNode chat) {
        long cached = chat.path("prompt_tokens_details").path("cached_tokens").asLong();
        ObjectNode usage = OpenAiFormat.object().put("input_tokens", Math.max(0,
                chat.path("prompt_tokens").asLong() - cached));
        usage.put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached);
        usage.put("output_tokens", chat.path("completion_tokens").asLong());
        return usage;
    }

    @Override
    public ProxyResponse error(int status, String message, String code, Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>(headers);
        out.remove("content-type");
        out.put("Content-Type", List.of("application/json"));
        return ProxyResponse.json(status, out, errorBody(status, message));
    }

    /** Anthropic's error body, {@code {"type":"error","error":{"type","message"}}}, with the type for a status. */
    public static byte[] errorBody(int status, String message) {
        ObjectNode body = OpenAiFormat.object().put("type", "error");
        body.putObject("error").put("type", errorType(status)).put("message", message);
        return OpenAiFormat.bytes(body);
    }

    /** Anthropic's error type for an HTTP status. */
    static String errorType(int status) {
        return switch (status) {
            case 400, 405, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** Whether a path is served in Anthropic's shape (its errors included). */
    public static boolean servesPath(String path) {
        return path != null && (path.equals("/v1/messages") || path.startsWith("/v1/messages/"));
    }
}
