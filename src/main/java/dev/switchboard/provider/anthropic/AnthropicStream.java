package dev.switchboard.provider.anthropic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.OpenAiFormat;
import dev.switchboard.schema.SseEvent;

/**
 * Translates one Messages event stream into OpenAI {@code chat.completion.chunk} events, event by event as they
 * arrive: text deltas become {@code content} deltas, tool-use blocks become {@code tool_calls} deltas (id and name
 * first, then argument pieces), {@code message_delta} gives the finish reason, {@code message_stop} ends with an
 * optional usage chunk and {@code [DONE]}, and an {@code error} event becomes an OpenAI error event. One instance per
 * stream; events arrive in order, one at a time.
 */
public final class AnthropicStream {

    private final long created;
    private final boolean includeUsage;
    private String id = "msg";
    private String model = "";
    private long promptTokens;
    private long completionTokens;
    /** Content block index → OpenAI tool-call index. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();

    public AnthropicStream(long created, boolean includeUsage) {
        this.created = created;
        this.includeUsage = includeUsage;
    }

    /** The OpenAI events for one Messages event; often none. */
    public List<SseEvent> translate(SseEvent event) {
        if (event.isComment()) {
            return List.of(event);
        }
        JsonNode data = OpenAiFormat.data(event);
        if (data == null) {
            return List.of();
        }
        String type = event.name() != null ? event.name() : data.path("type").asText();
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText(id);
                model = message.path("model").asText(model);
                JsonNode usage = AnthropicTranslation.usage(message.path("usage"));
                promptTokens = usage.path("prompt_tokens").asLong();
                completionTokens = message.path("usage").path("output_tokens").asLong();
                ObjectNode chunk = chunk();
                OpenAiFormat.delta(chunk).put("role", "assistant").put("content", "");
                return List.of(OpenAiFormat.event(chunk));
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                if (!"tool_use".equals(block.path("type").asText())) {
                    return List.of();
                }
                int toolIndex = toolIndexes.size();
                toolIndexes.put(data.path("index").asInt(), toolIndex);
                ObjectNode chunk = chunk();
                OpenAiFormat.delta(chunk).putArray("tool_calls").add(OpenAiFormat.toolCall(toolIndex,
                        block.path("id").asText(), block.path("name").asText(), ""));
                return List.of(OpenAiFormat.event(chunk));
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                ObjectNode chunk = chunk();
                switch (delta.path("type").asText()) {
                    case "text_delta" -> OpenAiFormat.delta(chunk).put("content", delta.path("text").asText());
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexes.get(data.path("index").asInt());
                        if (toolIndex == null) {
                            return List.of();
                        }
                        OpenAiFormat.delta(chunk).putArray("tool_calls").add(OpenAiFormat.toolCall(toolIndex, null, null,
                                delta.path("partial_json").asText()));
                    }
                    default -> {
                        return List.of();
                    }
                }
                return List.of(OpenAiFormat.event(chunk));
            }
            case "message_delta" -> {
                if (data.path("usage").has("output_tokens")) {
                    completionTokens = data.path("usage").path("output_tokens").asLong();
                }
                String reason = AnthropicTranslation.finishReason(data.path("delta").path("stop_reason").asText(null));
                if (reason == null) {
                    return List.of();
                }
                ObjectNode chunk = chunk();
                OpenAiFormat.finish(chunk, reason);
                return List.of(OpenAiFormat.event(chunk));
            }
            case "message_stop" -> {
                List<SseEvent> out = new ArrayList<>(2);
                if (includeUsage) {
                    out.add(OpenAiFormat.event(OpenAiFormat.usageChunk(id, created, model,
                            OpenAiFormat.usage(promptTokens, completionTokens))));
                }
                out.add(SseEvent.data(SseEvent.DONE));
                return out;
            }
            case "error" -> {
                return List.of(OpenAiFormat.event(AnthropicTranslation.error(data, 500)));
            }
            default -> {
                // ping, content_block_stop and future event types carry nothing for the caller
                return List.of();
            }
        }
    }

    private ObjectNode chunk() {
        return OpenAiFormat.chunk(id, created, model);
    }
}
