package dev.switchboard.provider.anthropic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.StreamUsage;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiFormat;

/**
 * Translates one Messages event stream into OpenAI {@code chat.completion.chunk} events, event by event as they
 * arrive: text deltas become {@code content} deltas, tool-use blocks become {@code tool_calls} deltas (id and name
 * first, then argument pieces), {@code message_delta} gives the finish reason, {@code message_stop} ends with an
 * optional usage chunk and {@code [DONE]}, and an {@code error} event becomes an OpenAI error event. The exact usage
 * is reported to the stream's {@link StreamUsage} whether or not the caller asked for it; an event whose data is not
 * JSON fails the stream. One instance per stream; events arrive in order, one at a time.
 */
public final class AnthropicStream {

    private final long created;
    private final boolean includeUsage;
    private final StreamUsage usage;
    private String id = "msg";
    private String model = "";
    private Usage counted = Usage.of(0, 0);
    /** Content block index → OpenAI tool-call index. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();

    public AnthropicStream(long created, boolean includeUsage, StreamUsage usage) {
        this.created = created;
        this.includeUsage = includeUsage;
        this.usage = usage;
    }

    /** The OpenAI events for one Messages event; often none. */
    public List<SseEvent> translate(SseEvent event) {
        if (event.isComment()) {
            return List.of(event);
        }
        JsonNode data = OpenAiFormat.data(event);
        usage.event();
        String type = event.name() != null ? event.name() : data.path("type").asText();
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText(id);
                model = message.path("model").asText(model);
                counted = AnthropicChat.usage(message.path("usage"));
                usage.report(counted);
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
                    // message_delta's counts are cumulative: output always, input and cache when they changed
                    JsonNode delta = data.path("usage");
                    counted = delta.has("input_tokens") ? AnthropicChat.usage(delta)
                            : new Usage(counted.promptTokens(), delta.path("output_tokens").asLong(),
                                    counted.cachedTokens(), 0, false);
                    usage.report(counted);
                }
                String reason = AnthropicChat.finishReason(data.path("delta").path("stop_reason").asText(null));
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
                    out.add(OpenAiFormat.event(OpenAiFormat.usageChunk(id, created, model, counted)));
                }
                out.add(SseEvent.data(SseEvent.DONE));
                return out;
            }
            case "error" -> {
                return List.of(OpenAiFormat.event(AnthropicChat.error(data, 500)));
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
