package dev.switchboard.translate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.openai.OpenAiFormat;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * A chat stream as the Responses API's typed events: {@code response.created}, {@code response.in_progress}, then per
 * output item {@code response.output_item.added}, its deltas ({@code response.output_text.delta} inside a
 * {@code content_part}, or {@code response.function_call_arguments.delta}) and their {@code .done} events, and
 * {@code response.completed} with the whole response and its usage once the chat stream ended with {@code [DONE]}. A
 * chat stream that ended with an error event ends with {@code error} and {@code response.failed} instead. One instance
 * per stream, used in the stream's serial order.
 */
final class ResponsesStream extends ChatStreamTranslation {

    private final JsonNode request;
    private int sequence;
    private ObjectNode response;
    private final ArrayNode output = OpenAiFormat.array();
    /** The open text item, or null. */
    private StringBuilder text;
    private int textIndex;
    private String textId;
    /** Open function calls by the chat stream's tool-call index. */
    private final Map<Integer, Call> calls = new TreeMap<>();
    private String finishReason = "stop";
    private JsonNode usage;

    private static final class Call {
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        Call(int outputIndex, String callId, String name) {
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    private ResponsesStream(JsonNode request) {
        this.request = request;
    }

    static Multi<Buffer> translate(Multi<Buffer> chat, JsonNode request) {
        return ChatStreamTranslation.of(chat, () -> new ResponsesStream(request));
    }

    private void start(JsonNode chunk, List<Buffer> out) {
        response = ResponsesChat.envelope("resp_" + chunk.path("id").asText(""), chunk.path("created").asLong(),
                chunk.path("model").asText(), request);
        emit("response.created", OpenAiFormat.object().set("response", response.deepCopy()), out);
        emit("response.in_progress", OpenAiFormat.object().set("response", response.deepCopy()), out);
    }

    @Override
    void chunk(JsonNode chunk, List<Buffer> out) {
        if (response == null) {
            start(chunk, out);
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String content = delta.path("content").asText("");
        if (!content.isEmpty()) {
            if (text == null) {
                closeCalls(out);
                openText(out);
            }
            text.append(content);
            emit("response.output_text.delta", OpenAiFormat.object().put("item_id", textId)
                    .put("output_index", textIndex).put("content_index", 0).put("delta", content)
                    .set("logprobs", OpenAiFormat.array()), out);
        }
        for (JsonNode callDelta : delta.path("tool_calls")) {
            int index = callDelta.path("index").asInt(0);
            Call call = calls.get(index);
            if (call == null) {
                closeText(out);
                closeCalls(out);
                call = new Call(output.size(), callDelta.path("id").asText("call_" + index),
                        callDelta.path("function").path("name").asText(""));
                calls.put(index, call);
                ObjectNode item = ResponsesChat.functionCallItem(call.callId, call.name, "", "in_progress");
                output.add(item);
                emit("response.output_item.added", OpenAiFormat.object().put("output_index", call.outputIndex)
                        .set("item", item.deepCopy()), out);
            }
            String arguments = callDelta.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                call.arguments.append(arguments);
                emit("response.function_call_arguments.delta", OpenAiFormat.object().put("item_id", "fc_"
                        + call.callId).put("output_index", call.outputIndex).put("delta", arguments), out);
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.path("finish_reason").asText();
        }
    }

    private void openText(List<Buffer> out) {
        text = new StringBuilder();
        textIndex = output.size();
        textId = "msg_" + response.path("id").asText().substring(5) + (textIndex == 0 ? "" : "_" + textIndex);
        ObjectNode item = ResponsesChat.messageItem(textId, "", "in_progress");
        output.add(item);
        emit("response.output_item.added", OpenAiFormat.object().put("output_index", textIndex)
                .set("item", item.deepCopy()), out);
        emit("response.content_part.added", OpenAiFormat.object().put("item_id", textId).put("output_index",
                textIndex).put("content_index", 0).set("part", ResponsesChat.outputText("")), out);
    }

    private void closeText(List<Buffer> out) {
        if (text == null) {
            return;
        }
        String whole = text.toString();
        emit("response.output_text.done", OpenAiFormat.object().put("item_id", textId).put("output_index", textIndex)
                .put("content_index", 0).put("text", whole).set("logprobs", OpenAiFormat.array()), out);
        emit("response.content_part.done", OpenAiFormat.object().put("item_id", textId).put("output_index", textIndex)
                .put("content_index", 0).set("part", ResponsesChat.outputText(whole)), out);
        ObjectNode item = ResponsesChat.messageItem(textId, whole, "completed");
        output.set(textIndex, item);
        emit("response.output_item.done", OpenAiFormat.object().put("output_index", textIndex)
                .set("item", item.deepCopy()), out);
        text = null;
    }

    private void closeCalls(List<Buffer> out) {
        for (Call call : calls.values()) {
            String arguments = call.arguments.toString();
            emit("response.function_call_arguments.done", OpenAiFormat.object().put("item_id", "fc_" + call.callId)
                    .put("output_index", call.outputIndex).put("name", call.name).put("arguments", arguments), out);
            ObjectNode item = ResponsesChat.functionCallItem(call.callId, call.name, arguments, "completed");
            output.set(call.outputIndex, item);
            emit("response.output_item.done", OpenAiFormat.object().put("output_index", call.outputIndex)
                    .set("item", item.deepCopy()), out);
        }
        // a call index seen again after it closed would open a new item: chat streams do not do that
        calls.clear();
    }

    @Override
    void complete(List<Buffer> out) {
        if (response == null) {
            start(OpenAiFormat.object(), out);
        }
        closeText(out);
        closeCalls(out);
        if (output.isEmpty()) {
            // an answer with nothing in it is still one message
            openText(out);
            closeText(out);
        }
        response.set("output", output);
        ResponsesChat.finish(response, finishReason, usage);
        emit("response.completed", OpenAiFormat.object().set("response", response), out);
    }

    @Override
    void fail(JsonNode error, List<Buffer> out) {
        if (response == null) {
            start(OpenAiFormat.object(), out);
        }
        String code = error.path("code").asText("stream_interrupted");
        String message = error.path("message").asText("the stream broke");
        emit("error", OpenAiFormat.object().put("code", code).put("message", message).putNull("param"), out);
        response.set("output", output);
        response.put("status", "failed");
        response.putObject("error").put("code", code).put("message", message);
        emit("response.failed", OpenAiFormat.object().set("response", response), out);
    }

    /**
     * The {@code error} event that ends a passed-through Responses stream which broke after it started (its upstream's
     * events carried sequence numbers up to {@code sequence - 1}).
     */
    static Buffer errorEvent(JsonNode error, long sequence) {
        ObjectNode event = OpenAiFormat.object().put("type", "error")
                .put("code", error.path("code").asText("stream_interrupted"))
                .put("message", error.path("message").asText("the stream broke")).putNull("param")
                .put("sequence_number", sequence);
        return ChatFrames.event("error", event);
    }

    private void emit(String type, ObjectNode data, List<Buffer> out) {
        ObjectNode event = OpenAiFormat.object().put("type", type);
        event.setAll(data);
        event.put("sequence_number", sequence++);
        out.add(ChatFrames.event(type, event));
    }
}
