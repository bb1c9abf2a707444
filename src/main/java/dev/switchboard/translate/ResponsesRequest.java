package dev.switchboard.translate;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.openai.OpenAiFormat;

/** The chat completions request for a Responses request ({@link ResponsesChat}). Stateless; thread-safe. */
final class ResponsesRequest {

    private ResponsesRequest() {
    }

    static ObjectNode chat(JsonNode request) {
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
                        .put("content", output.isTextual() ? output.asText() : MessagesRequest.textOf(output, ""));
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
            message.put("content", MessagesRequest.textOf(content, ""));
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
}
