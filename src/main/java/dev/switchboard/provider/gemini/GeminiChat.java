package dev.switchboard.provider.gemini;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiErrors;
import dev.switchboard.schema.openai.OpenAiFormat;
import dev.switchboard.schema.openai.OpenAiRequests;

/**
 * OpenAI chat ⇄ Gemini {@code generateContent}, for whole requests and responses. Reads the caller's request tree and never
 * modifies it. Parameters with no Gemini equivalent ({@code logprobs}, {@code logit_bias}, {@code user}, {@code seed}
 * beyond what {@code generationConfig} takes, ...) are dropped. Stateless; thread-safe.
 */
public final class GeminiChat {

    private GeminiChat() {
    }

    /** The {@code generateContent} request for an OpenAI chat request. */
    public static ObjectNode request(JsonNode chat) {
        ObjectNode out = OpenAiFormat.object();
        StringBuilder system = new StringBuilder();
        ArrayNode contents = out.putArray("contents");
        Map<String, String> toolNames = new HashMap<>();
        for (JsonNode message : chat.path("messages")) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(OpenAiRequests.text(message.path("content")));
                }
                case "assistant" -> {
                    ArrayNode parts = OpenAiFormat.array();
                    String text = OpenAiRequests.text(message.path("content"));
                    if (!text.isEmpty()) {
                        parts.addObject().put("text", text);
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        String name = call.path("function").path("name").asText();
                        toolNames.put(call.path("id").asText(), name);
                        JsonNode args = OpenAiFormat.readOrNull(call.path("function").path("arguments").asText("")
                                .getBytes(StandardCharsets.UTF_8));
                        ObjectNode functionCall = parts.addObject().putObject("functionCall").put("name", name);
                        functionCall.set("args", args != null && args.isObject() ? args : OpenAiFormat.object());
                    }
                    OpenAiRequests.appendTurn(contents, "model", "parts", parts);
                }
                case "tool" -> {
                    String content = OpenAiRequests.text(message.path("content"));
                    JsonNode parsed = OpenAiFormat.readOrNull(content.getBytes(StandardCharsets.UTF_8));
                    ObjectNode response = OpenAiFormat.object();
                    if (parsed != null && parsed.isObject()) {
                        response = (ObjectNode) parsed;
                    } else {
                        response.put("content", content);
                    }
                    ObjectNode functionResponse = OpenAiFormat.object().put("name",
                            toolNames.getOrDefault(message.path("tool_call_id").asText(), message.path("name").asText()));
                    functionResponse.set("response", response);
                    ArrayNode parts = OpenAiFormat.array();
                    parts.addObject().set("functionResponse", functionResponse);
                    OpenAiRequests.appendTurn(contents, "user", "parts", parts);
                }
                default -> OpenAiRequests.appendTurn(contents, "user", "parts", userParts(message.path("content")));
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        if (chat.path("tools").isArray() && !chat.path("tools").isEmpty()) {
            ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (JsonNode tool : chat.path("tools")) {
                JsonNode function = tool.path("function");
                ObjectNode declaration = declarations.addObject().put("name", function.path("name").asText());
                if (function.hasNonNull("description")) {
                    declaration.put("description", function.path("description").asText());
                }
                if (function.has("parameters")) {
                    declaration.set("parameters", function.get("parameters"));
                }
            }
            ObjectNode config = toolConfig(chat.path("tool_choice"));
            if (config != null) {
                out.putObject("toolConfig").set("functionCallingConfig", config);
            }
        }
        ObjectNode generation = OpenAiFormat.object();
        OpenAiRequests.copyNumber(chat, "temperature", generation, "temperature");
        OpenAiRequests.copyNumber(chat, "top_p", generation, "topP");
        OpenAiRequests.copyNumber(chat, "n", generation, "candidateCount");
        OpenAiRequests.copyNumber(chat, "seed", generation, "seed");
        OpenAiRequests.copyNumber(chat, "presence_penalty", generation, "presencePenalty");
        OpenAiRequests.copyNumber(chat, "frequency_penalty", generation, "frequencyPenalty");
        int max = OpenAiRequests.maxTokens(chat);
        if (max > 0) {
            generation.put("maxOutputTokens", max);
        }
        ArrayNode stops = OpenAiRequests.stops(chat);
        if (!stops.isEmpty()) {
            generation.set("stopSequences", stops);
        }
        String format = chat.path("response_format").path("type").asText("");
        if (format.equals("json_object") || format.equals("json_schema")) {
            generation.put("responseMimeType", "application/json");
        }
        if (!generation.isEmpty()) {
            out.set("generationConfig", generation);
        }
        return out;
    }

    private static ObjectNode toolConfig(JsonNode choice) {
        if (choice.isTextual()) {
            return OpenAiFormat.object().put("mode", switch (choice.asText()) {
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> "AUTO";
            });
        }
        if (choice.isObject() && choice.path("function").has("name")) {
            ObjectNode config = OpenAiFormat.object().put("mode", "ANY");
            config.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
            return config;
        }
        return null;
    }

    private static ArrayNode userParts(JsonNode content) {
        ArrayNode parts = OpenAiFormat.array();
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (type.equals("text")) {
                parts.addObject().put("text", part.path("text").asText());
            } else if (type.equals("image_url")) {
                String url = OpenAiRequests.imageUrl(part);
                String[] data = OpenAiRequests.dataUrl(url);
                if (data != null) {
                    parts.addObject().putObject("inlineData").put("mimeType", data[0]).put("data", data[1]);
                } else {
                    parts.addObject().putObject("fileData").put("mimeType", guessImageType(url)).put("fileUri", url);
                }
            }
        }
        return parts;
    }

    private static String guessImageType(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains(".png")) {
            return "image/png";
        }
        if (lower.contains(".webp")) {
            return "image/webp";
        }
        if (lower.contains(".gif")) {
            return "image/gif";
        }
        return "image/jpeg";
    }

    /** The OpenAI chat completion for a {@code generateContent} response (its first candidate). */
    public static ObjectNode response(JsonNode response, String model, String id, long created) {
        JsonNode candidate = response.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        ArrayNode calls = OpenAiFormat.array();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("text") && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            } else if (part.has("functionCall")) {
                calls.add(OpenAiFormat.toolCall(-1, id + "_call_" + calls.size(),
                        part.path("functionCall").path("name").asText(), part.path("functionCall").path("args").toString()));
            }
        }
        ObjectNode message = OpenAiFormat.assistantMessage(text, calls);
        return OpenAiFormat.completion(id, created, response.path("modelVersion").asText(model), message,
                finishReason(candidate.path("finishReason").asText(null), !calls.isEmpty()),
                OpenAiFormat.usage(usage(response.path("usageMetadata"))));
    }

    /**
     * Usage from {@code usageMetadata}: completion tokens are candidates plus thoughts (what OpenAI counts as
     * completion tokens, reasoning included), cached content tokens are the cached tokens.
     */
    public static Usage usage(JsonNode metadata) {
        long thoughts = metadata.path("thoughtsTokenCount").asLong();
        return new Usage(metadata.path("promptTokenCount").asLong(),
                metadata.path("candidatesTokenCount").asLong() + thoughts,
                metadata.path("cachedContentTokenCount").asLong(), thoughts, false);
    }

    static String finishReason(String reason, boolean toolCalls) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> toolCalls ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";
        };
    }

    /** An OpenAI-shaped error from Google's {@code {"error":{"code","message","status"}}}. */
    public static ObjectNode error(JsonNode body, int status) {
        JsonNode error = body == null ? null : body.path("error");
        String code = error != null && error.hasNonNull("status") ? error.path("status").asText() : "UNKNOWN";
        String message = error != null && error.hasNonNull("message") ? error.path("message").asText().strip()
                : "Gemini answered HTTP " + status;
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        // "The input token count (1196265) exceeds the maximum number of tokens allowed (1048575)."
        if (code.equals("INVALID_ARGUMENT") && message.contains("exceeds the maximum number of tokens")) {
            return OpenAiFormat.error(message, type, OpenAiErrors.CONTEXT_LENGTH);
        }
        return OpenAiFormat.error(message, type, code.toLowerCase(java.util.Locale.ROOT));
    }
}
