package dev.switchboard.translate;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;

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

    @Override
    public ObjectNode toChat(JsonNode request) {
        refuseState(request);
        ObjectNode chat = OpenAiFormat.object();
        chat.set("model", request.get("model"));
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = request.path("instructions");
        if (instructions.isTextual() && !instructions.asText().isEmpty()) {
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                inputItem(item, messages);
            }
        } else if (!input.isMissingNode() && !input.isNull()) {
            throw new InvalidRequestException("invalid_input", "'input' must be a string or a list of items.");
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("invalid_input", "The request has no 'input'.");
        }
        tools(request, chat);
        if (request.path("max_output_tokens").isNumber()) {
            chat.set("max_completion_tokens", request.get("max_output_tokens"));
        }
        for (String key : List.of("temperature", "top_p", "parallel_tool_calls", "user", "safety_identifier")) {
            if (request.hasNonNull(key)) {
                chat.set(key.equals("safety_identifier") ? "user" : key, request.get(key));
            }
        }
        JsonNode format = request.path("text").path("format");
        switch (format.path("type").asText("text")) {
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema")
                        .putObject("json_schema");
                schema.set("name", format.get("name"));
                schema.set("schema", format.get("schema"));
                if (format.has("description")) {
                    schema.set("description", format.get("description"));
                }
                if (format.has("strict")) {
                    schema.set("strict", format.get("strict"));
                }
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            default -> {
                // plain text: the chat default
            }
        }
        if (request.path("reasoning").path("effort").isTextual()) {
            chat.set("reasoning_effort", request.path("reasoning").get("effort"));
        }
        if (request.path("stream").asBoolean(false)) {
            chat.put("stream", true);
            // the usage of response.completed
            chat.putObject("stream_options").put("include_usage", true);
        }
        return chat;
    }

    private static void refuseState(JsonNode request) {
        if (request.hasNonNull("previous_response_id")) {
            throw new InvalidRequestException("unsupported_parameter", "'previous_response_id' needs a provider that"
                    + " keeps responses; this route's providers are served statelessly: send the whole conversation"
                    + " in 'input' instead.");
        }
        if (request.hasNonNull("conversation")) {
            throw new InvalidRequestException("unsupported_parameter", "'conversation' needs a provider that keeps"
                    + " state; send the whole conversation in 'input' instead.");
        }
        if (request.path("store").asBoolean(false)) {
            throw new InvalidRequestException("unsupported_parameter", "'store: true' needs a provider that keeps"
                    + " responses; this route's providers are served statelessly: send 'store: false' or leave it"
                    + " out.");
        }
        if (request.path("background").asBoolean(false)) {
            throw new InvalidRequestException("unsupported_parameter", "'background: true' is not served: Switchboard"
                    + " answers each request while it is open.");
        }
    }

    private static void inputItem(JsonNode item, ArrayNode messages) {
        if (!item.isObject()) {
            throw new InvalidRequestException("invalid_input", "Each 'input' item must be an object.");
        }
        String type = item.path("type").asText("message");
        switch (type) {
            case "message" -> message(item, messages);
            case "function_call" -> {
                ObjectNode call = OpenAiFormat.toolCall(-1, item.path("call_id").asText(), item.path("name").asText(),
                        item.path("arguments").asText("{}"));
                JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
                ObjectNode assistant;
                if (last != null && "assistant".equals(last.path("role").asText())
                        && last.path("tool_calls").isArray()) {
                    assistant = (ObjectNode) last;
                } else if (last != null && "assistant".equals(last.path("role").asText())) {
                    assistant = (ObjectNode) last;
                    assistant.putArray("tool_calls");
                } else {
                    assistant = messages.addObject().put("role", "assistant");
                    assistant.putNull("content");
                    assistant.putArray("tool_calls");
                }
                ((ArrayNode) assistant.get("tool_calls")).add(call);
            }
            case "function_call_output" -> {
                JsonNode output = item.path("output");
                messages.addObject().put("role", "tool").put("tool_call_id", item.path("call_id").asText())
                        .put("content", output.isTextual() ? output.asText() : textOf(output));
            }
            case "reasoning" -> {
                // reasoning items carry a provider's own encrypted state: nothing a chat model can read
            }
            default -> throw new InvalidRequestException("unsupported_input", "Input items of type '" + type
                    + "' are not served by translation to chat completions.");
        }
    }

    private static void message(JsonNode item, ArrayNode messages) {
        String role = item.path("role").asText("user");
        String chatRole = switch (role) {
            case "system", "developer" -> "system";
            case "assistant" -> "assistant";
            default -> "user";
        };
        JsonNode content = item.path("content");
        ObjectNode message = messages.addObject().put("role", chatRole);
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        if (!chatRole.equals("user")) {
            // system and assistant turns take text only
            message.put("content", textOf(content));
            return;
        }
        ArrayNode parts = message.putArray("content");
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text").put("text",
                        part.path("text").asText());
                case "input_image" -> {
                    if (!part.path("image_url").isTextual()) {
                        throw new InvalidRequestException("unsupported_input",
                                "Images by 'file_id' need the provider's file store; send 'image_url'.");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", part.path("image_url").asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.path("detail").asText());
                    }
                }
                default -> throw new InvalidRequestException("unsupported_input", "Content parts of type '"
                        + part.path("type").asText() + "' are not served by translation to chat completions.");
            }
        }
    }

    /** The text parts of a content list, joined. */
    private static String textOf(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.has("text")) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private static void tools(JsonNode request, ObjectNode chat) {
        JsonNode tools = request.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (JsonNode tool : tools) {
                String type = tool.path("type").asText();
                if (!type.equals("function")) {
                    throw new InvalidRequestException("unsupported_tool", "Built-in tools ('" + type + "') run at the"
                            + " provider; they are not served by translation to chat completions.");
                }
                ObjectNode function = out.addObject().put("type", "function").putObject("function");
                function.set("name", tool.get("name"));
                for (String key : List.of("description", "parameters", "strict")) {
                    if (tool.hasNonNull(key)) {
                        function.set(key, tool.get(key));
                    }
                }
            }
        }
        JsonNode choice = request.path("tool_choice");
        if (choice.isTextual()) {
            chat.set("tool_choice", choice);
        } else if (choice.isObject() && "function".equals(choice.path("type").asText())) {
            chat.putObject("tool_choice").put("type", "function").putObject("function").put("name",
                    choice.path("name").asText());
        }
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
