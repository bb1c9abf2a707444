package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.Dialect;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI Responses ⇄ chat completions, stateless: {@code instructions} and {@code input} (text or items: messages,
 * function calls and their outputs) become chat messages, function tools chat tools, {@code max_output_tokens}
 * {@code max_completion_tokens}, {@code text.format} {@code response_format}; the chat answer becomes a
 * {@code response} object with {@code message} and {@code function_call} output items and usage. What needs state or
 * a built-in tool ({@code previous_response_id}, {@code store: true}, {@code conversation}, {@code background},
 * {@code web_search}, ...) answers 400 saying so. Errors keep OpenAI's shape. Stateless; thread-safe.
 */
public final class ResponsesChat implements ClientApi {

    public static final ResponsesChat INSTANCE = new ResponsesChat();

    private ResponsesChat() {
    }

    /** Fields that ask the provider to keep or read state; only a provider that keeps responses serves them. */
    private static final List<String> STATEFUL = List.of("previous_response_id", "conversation", "store",
            "background");

    @Override
    public ObjectNode toChat(JsonNode request) {
        return ResponsesRequest.chat(request);
    }

    /** Whether the request asks for state ({@code store: true}, {@code previous_response_id}, ...). */
    public static boolean stateful(JsonNode request) {
        return request.hasNonNull("previous_response_id") || request.hasNonNull("conversation")
                || request.path("store").asBoolean(false) || request.path("background").asBoolean(false);
    }

    /**
     * The chat translation of a stateful request, for what routing reads (model, stream, size, tenant): the state it
     * asks for is left out; such a request is only ever sent, as it is, to a provider that keeps responses.
     */
    public ObjectNode toChatForRouting(JsonNode request) {
        ObjectNode stateless = request.deepCopy();
        stateless.remove(STATEFUL);
        if (!stateless.path("input").isTextual() && (!stateless.path("input").isArray()
                || stateless.path("input").isEmpty())) {
            stateless.put("input", "");
        }
        return ResponsesRequest.chat(stateless);
    }

    @Override
    public Dialect dialect() {
        return Dialect.RESPONSES;
    }

    @Override
    public ProxyResponse fromNative(ProxyResponse served) {
        // the error event continues the upstream's sequence numbers
        AtomicLong next = new AtomicLong();
        return ChatFrames.rewritingErrors(served, error -> ResponsesStream.errorEvent(error, next.get()), frame -> {
            long sequence = sequenceNumber(frame);
            if (sequence >= 0) {
                next.set(sequence + 1);
            }
        });
    }

    /** The data of one event's frame as JSON, or null. */
    public static JsonNode eventData(Buffer frame) {
        ChatFrames.Frame read = ChatFrames.read(frame);
        return read.json();
    }

    /** The {@code sequence_number} of a Responses event's frame, or -1. */
    private static long sequenceNumber(Buffer frame) {
        String text = frame.toString(StandardCharsets.UTF_8);
        int at = text.lastIndexOf("\"sequence_number\":");
        if (at < 0) {
            return -1;
        }
        int start = at + 18;
        while (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        int end = start;
        // at most 18 digits: a long, whatever the upstream sent
        while (end < text.length() && end - start < 18 && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end > start ? Long.parseLong(text.substring(start, end)) : -1;
    }

    @Override
    public ProxyResponse fromChat(ProxyResponse chat, JsonNode request) {
        if (chat.stream() != null) {
            return ProxyResponse.streaming(chat.status(), chat.headers(), ResponsesStream.translate(chat.stream(),
                    request));
        }
        if (chat.status() != 200) {
            return chat;
        }
        JsonNode completion = OpenAiFormat.readOrNull(chat.whole().getBytes());
        if (completion == null || !completion.isObject()) {
            return chat;
        }
        return ProxyResponse.json(200, chat.headers(), OpenAiFormat.bytes(response(completion, request)));
    }

    /** The {@code response} object for a chat completion. */
    static ObjectNode response(JsonNode completion, JsonNode request) {
        String id = completion.path("id").asText("");
        ObjectNode response = envelope("resp_" + id, completion.path("created").asLong(), completion.path("model")
                .asText(), request);
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode output = (ArrayNode) response.get("output");
        String text = message.path("content").asText("");
        if (!text.isEmpty() || message.path("tool_calls").isEmpty()) {
            output.add(messageItem("msg_" + id, text, "completed"));
        }
        for (JsonNode call : message.path("tool_calls")) {
            output.add(functionCallItem(call.path("id").asText(), call.path("function").path("name").asText(),
                    call.path("function").path("arguments").asText(""), "completed"));
        }
        finish(response, choice.path("finish_reason").asText("stop"), completion.path("usage"));
        return response;
    }

    /** A {@code response} object with everything but its output and status, echoing the request's settings. */
    static ObjectNode envelope(String id, long created, String model, JsonNode request) {
        ObjectNode response = OpenAiFormat.object().put("id", id).put("object", "response").put("created_at", created)
                .put("status", "in_progress");
        response.putNull("error");
        response.putNull("incomplete_details");
        response.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : null);
        response.set("max_output_tokens", request.path("max_output_tokens").isNumber()
                ? request.get("max_output_tokens")
                : null);
        response.put("model", model);
        response.putArray("output");
        response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        response.putNull("previous_response_id");
        response.set("reasoning", request.path("reasoning").isObject() ? request.get("reasoning")
                : OpenAiFormat.object().putNull("effort").putNull("summary"));
        response.put("store", false);
        response.set("temperature", request.path("temperature").isNumber() ? request.get("temperature") : null);
        response.set("text", request.path("text").isObject() ? request.get("text")
                : OpenAiFormat.object().set("format", OpenAiFormat.object().put("type", "text")));
        response.set("tool_choice", request.hasNonNull("tool_choice") ? request.get("tool_choice")
                : com.fasterxml.jackson.databind.node.TextNode.valueOf("auto"));
        response.set("tools", request.path("tools").isArray() ? request.get("tools") : OpenAiFormat.array());
        response.set("top_p", request.path("top_p").isNumber() ? request.get("top_p") : null);
        response.put("truncation", "disabled");
        response.putNull("usage");
        response.set("metadata", request.path("metadata").isObject() ? request.get("metadata")
                : OpenAiFormat.object());
        return response;
    }

    /** Sets status, incomplete details and usage from the chat finish reason and usage. */
    static void finish(ObjectNode response, String finishReason, JsonNode usage) {
        switch (finishReason) {
            case "length" -> {
                response.put("status", "incomplete");
                response.putObject("incomplete_details").put("reason", "max_output_tokens");
            }
            case "content_filter" -> {
                response.put("status", "incomplete");
                response.putObject("incomplete_details").put("reason", "content_filter");
            }
            default -> response.put("status", "completed");
        }
        if (usage != null && usage.isObject()) {
            response.set("usage", usage(usage));
        }
    }

    static ObjectNode messageItem(String id, String text, String status) {
        ObjectNode item = OpenAiFormat.object().put("id", id).put("type", "message").put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (status.equals("completed")) {
            content.add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = OpenAiFormat.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCallItem(String callId, String name, String arguments, String status) {
        return OpenAiFormat.object().put("id", "fc_" + callId).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    /** Responses usage from chat usage. */
    static ObjectNode usage(JsonNode chat) {
        long input = chat.path("prompt_tokens").asLong();
        long output = chat.path("completion_tokens").asLong();
        ObjectNode usage = OpenAiFormat.object().put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens",
                chat.path("prompt_tokens_details").path("cached_tokens").asLong());
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens",
                chat.path("completion_tokens_details").path("reasoning_tokens").asLong());
        usage.put("total_tokens", chat.path("total_tokens").asLong(input + output));
        return usage;
    }

    @Override
    public ProxyResponse error(int status, String message, String code, Map<String, List<String>> headers) {
        return ProxyResponse.error(status, message, status >= 500 ? OpenAiErrors.SERVER : OpenAiErrors.INVALID_REQUEST,
                code, headers);
    }
}
