package dev.switchboard.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.InvalidRequestException;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;

/** The chat completions request for a Messages request ({@link MessagesChat}). Stateless; thread-safe. */
final class MessagesRequest {

    private MessagesRequest() {
    }

    static ObjectNode chat(JsonNode request) {
        ObjectNode chat = OpenAiFormat.object();
        chat.set("model", request.get("model"));
        ArrayNode messages = chat.putArray("messages");
        String system = textOf(request.path("system"), "\n\n");
        if (!system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        JsonNode turns = request.path("messages");
        if (!turns.isArray() || turns.isEmpty()) {
            throw new InvalidRequestException("invalid_messages", "'messages' must be a non-empty list.");
        }
        for (JsonNode turn : turns) {
            if ("assistant".equals(turn.path("role").asText())) {
                assistant(turn.path("content"), messages);
            } else {
                user(turn.path("content"), messages);
            }
        }
        if (request.path("max_tokens").isNumber()) {
            chat.set("max_completion_tokens", request.get("max_tokens"));
        }
        OpenAiRequests.copyNumber(request, "temperature", chat, "temperature");
        OpenAiRequests.copyNumber(request, "top_p", chat, "top_p");
        if (request.path("stop_sequences").isArray() && !request.path("stop_sequences").isEmpty()) {
            chat.set("stop", request.get("stop_sequences"));
        }
        if (request.path("metadata").path("user_id").isTextual()) {
            chat.set("user", request.path("metadata").get("user_id"));
        }
        tools(request, chat);
        if (request.path("stream").asBoolean(false)) {
            chat.put("stream", true);
            // the usage of message_delta
            chat.putObject("stream_options").put("include_usage", true);
        }
        return chat;
    }

    private static void user(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = OpenAiFormat.array();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> {
                    JsonNode source = block.path("source");
                    String url = "base64".equals(source.path("type").asText())
                            ? "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText()
                            : source.path("url").asText();
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                }
                case "tool_result" -> {
                    // chat wants each result as its own tool message, right after the assistant's calls
                    JsonNode result = block.path("content");
                    String text = result.isTextual() ? result.asText() : textOf(result, "\n");
                    if (block.path("is_error").asBoolean(false) && !text.startsWith("Error")) {
                        text = "Error: " + text;
                    }
                    messages.addObject().put("role", "tool").put("tool_call_id", block.path("tool_use_id").asText())
                            .put("content", text);
                }
                default -> throw new InvalidRequestException("unsupported_content", "Content blocks of type '"
                        + block.path("type").asText() + "' are not served by translation to chat completions.");
            }
        }
        if (!parts.isEmpty()) {
            messages.addObject().put("role", "user").set("content", parts);
        }
    }

    private static void assistant(JsonNode content, ArrayNode messages) {
        ObjectNode message = messages.addObject().put("role", "assistant");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = OpenAiFormat.array();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.add(OpenAiFormat.toolCall(-1, block.path("id").asText(),
                        block.path("name").asText(), block.path("input").toString()));
                default -> {
                    // thinking blocks are the provider's own: a chat model takes none
                }
            }
        }
        ObjectNode built = OpenAiFormat.assistantMessage(text, calls);
        built.remove("refusal");
        message.setAll(built);
    }

    private static void tools(JsonNode request, ObjectNode chat) {
        JsonNode tools = request.path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            return;
        }
        ArrayNode out = chat.putArray("tools");
        for (JsonNode tool : tools) {
            String type = tool.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw new InvalidRequestException("unsupported_tool", "Server tools ('" + type + "') run at"
                        + " Anthropic; they are not served by translation to chat completions.");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.set("name", tool.get("name"));
            if (tool.hasNonNull("description")) {
                function.set("description", tool.get("description"));
            }
            function.set("parameters", tool.path("input_schema").isObject() ? tool.get("input_schema")
                    : OpenAiFormat.object().put("type", "object"));
        }
        JsonNode choice = request.path("tool_choice");
        switch (choice.path("type").asText("")) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function").put("name",
                    choice.path("name").asText());
            default -> {
                // none given: the chat default, auto
            }
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            chat.put("parallel_tool_calls", false);
        }
    }

    /** The text of a string or of a list of text blocks, joined by {@code separator}. */
    static String textOf(JsonNode content, String separator) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.has("text")) {
                if (!text.isEmpty()) {
                    text.append(separator);
                }
                text.append(block.path("text").asText());
            }
        }
        return text.toString();
    }
}
