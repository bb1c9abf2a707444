package dev.switchboard.provider.gemini;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.StreamUsage;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;
import dev.switchboard.schema.openai.OpenAiFormat;

/**
 * Translates one {@code streamGenerateContent?alt=sse} stream into OpenAI chunks, chunk by chunk as they arrive. Gemini
 * has no end marker: when its stream completes after a {@code finishReason}, {@link #finish()} adds the usage chunk
 * (if asked for) and {@code [DONE]}; a stream that ends without one gets neither, so the relay reports it as broken.
 * The exact usage ({@code usageMetadata}, a running total) is reported to the stream's {@link StreamUsage} whether or
 * not the caller asked for it; a chunk that is not JSON fails the stream. One instance per stream; chunks arrive in
 * order, one at a time.
 */
public final class GeminiStream {

    private final String id;
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private final StreamUsage usage;
    private boolean started;
    private boolean finished;
    private int toolCalls;
    private Usage lastUsage;

    public GeminiStream(String id, String model, long created, boolean includeUsage, StreamUsage usage) {
        this.id = id;
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
        this.usage = usage;
    }

    /** The OpenAI events for one Gemini chunk. */
    public List<SseEvent> translate(SseEvent event) {
        if (event.isComment()) {
            return List.of(event);
        }
        JsonNode data = OpenAiFormat.data(event);
        usage.event();
        if (data.has("error")) {
            return List.of(OpenAiFormat.event(GeminiChat.error(data, data.path("error").path("code").asInt(500))));
        }
        if (data.has("usageMetadata")) {
            lastUsage = GeminiChat.usage(data.path("usageMetadata"));
            usage.report(lastUsage);
        }
        JsonNode candidate = data.path("candidates").path(0);
        ObjectNode chunk = OpenAiFormat.chunk(id, created, data.path("modelVersion").asText(model));
        ObjectNode delta = OpenAiFormat.delta(chunk);
        if (!started) {
            delta.put("role", "assistant");
            started = true;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = null;
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("text") && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            } else if (part.has("functionCall")) {
                if (calls == null) {
                    calls = delta.putArray("tool_calls");
                }
                calls.add(OpenAiFormat.toolCall(toolCalls, id + "_call_" + toolCalls,
                        part.path("functionCall").path("name").asText(), part.path("functionCall").path("args").toString()));
                toolCalls++;
            }
        }
        if (!text.isEmpty()) {
            delta.put("content", text.toString());
        }
        String reason = GeminiChat.finishReason(candidate.path("finishReason").asText(null), toolCalls > 0);
        if (reason != null) {
            OpenAiFormat.finish(chunk, reason);
            finished = true;
        }
        return List.of(OpenAiFormat.event(chunk));
    }

    /** What follows the last chunk: the usage chunk and {@code [DONE]} if the stream finished properly, else nothing. */
    public List<SseEvent> finish() {
        if (!finished) {
            return List.of();
        }
        List<SseEvent> out = new ArrayList<>(2);
        if (includeUsage) {
            out.add(OpenAiFormat.event(OpenAiFormat.usageChunk(id, created, model,
                    lastUsage != null ? lastUsage : Usage.of(0, 0))));
        }
        out.add(SseEvent.data(SseEvent.DONE));
        return out;
    }
}
