package dev.switchboard.schema.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.Json;
import dev.switchboard.schema.MalformedBodyException;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.Usage;

/**
 * Building blocks of OpenAI's wire format, for adapters that translate another API into it and for the mock:
 * completions, stream chunks, embeddings, usage, errors, and the parts of a request every translation reads.
 * Stateless; thread-safe.
 */
public final class OpenAiFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiFormat() {
    }

    /** A provider's error body as a tree, or null when it is not JSON (error bodies may be anything). */
    public static JsonNode readOrNull(byte[] bytes) {
        try {
            return bytes == null || bytes.length == 0 ? null : Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * A provider's successful answer as a JSON object.
     *
     * @throws MalformedBodyException when it is empty, cut short or not an object: the provider's failure
     */
    public static JsonNode readAnswer(byte[] bytes) {
        JsonNode node = readOrNull(bytes);
        if (node == null || !node.isObject()) {
            throw new MalformedBodyException("the answer is not a whole JSON object");
        }
        return node;
    }

    public static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The parsed data of a server-sent event.
     *
     * @throws MalformedBodyException when it is not a JSON object: a garbled event is the provider's failure
     */
    public static JsonNode data(SseEvent event) {
        JsonNode node = readOrNull(event.data().getBytes(StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) {
            throw new MalformedBodyException("a stream event's data is not a JSON object");
        }
        return node;
    }

    /** The assistant message of a completion: its text (null when only tool calls), tool calls if any. */
    public static ObjectNode assistantMessage(CharSequence text, ArrayNode calls) {
        ObjectNode message = NODES.objectNode().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        message.putNull("refusal");
        return message;
    }

    /** A chat completion with one choice. */
    public static ObjectNode completion(String id, long created, String model, ObjectNode message, String finishReason,
            ObjectNode usage) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            root.set("usage", usage);
        }
        return root;
    }

    /** A stream chunk with one choice whose {@code delta} the caller fills; {@code finish_reason} null. */
    public static ObjectNode chunk(String id, long created, String model) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return root;
    }

    public static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.path("choices").get(0).path("delta");
    }

    public static void finish(ObjectNode chunk, String reason) {
        ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", reason);
    }

    /** The final usage chunk of {@code stream_options.include_usage}: no choices, only usage. */
    public static ObjectNode usageChunk(String id, long created, String model, Usage usage) {
        return usageChunk(id, "chat.completion.chunk", created, model, usage);
    }

    /** The final usage chunk of a stream of {@code object} chunks (chat or legacy text completion). */
    public static ObjectNode usageChunk(String id, String object, long created, String model, Usage usage) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    /** OpenAI's {@code usage} object, with the cached and reasoning details when the provider reported them. */
    public static ObjectNode usage(Usage usage) {
        ObjectNode node = NODES.objectNode().put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
        if (usage.cachedTokens() > 0) {
            node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        }
        if (usage.reasoningTokens() > 0) {
            node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        }
        return node;
    }

    /**
     * An embeddings list: one item per vector, as float arrays or, when {@code base64}, as OpenAI's base64 of
     * little-endian float32 values (what the official SDKs ask for by default).
     */
    public static ObjectNode embeddings(String model, float[][] vectors, boolean base64, long promptTokens) {
        ObjectNode root = NODES.objectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            float[] vector = vectors[i];
            if (base64) {
                ByteBuffer packed = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float value : vector) {
                    packed.putFloat(value);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(packed.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return root;
    }

    /** A legacy text completion ({@code /v1/completions}) with one choice. */
    public static ObjectNode textCompletion(String id, long created, String model, String text, String finishReason,
            ObjectNode usage) {
        ObjectNode root = NODES.objectNode().put("id", id).put("object", "text_completion").put("created", created)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("text", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            root.set("usage", usage);
        }
        return root;
    }

    public static ObjectNode toolCall(int index, String id, String name, String arguments) {
        ObjectNode call = NODES.objectNode();
        if (index >= 0) {
            call.put("index", index);
        }
        if (id != null) {
            call.put("id", id).put("type", "function");
        }
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
        return call;
    }

    public static ObjectNode error(String message, String type, String code) {
        ObjectNode root = NODES.objectNode();
        root.putObject("error").put("message", message).put("type", type).put("code", code);
        return root;
    }

    public static SseEvent event(JsonNode node) {
        return SseEvent.data(node.toString());
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }
}
