package dev.switchboard.translate;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.schema.openai.OpenAiFormat;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * A chat stream as Anthropic's stream events: {@code message_start}; per block {@code content_block_start}, its
 * deltas ({@code thinking_delta} from the upstream's reasoning content, {@code text_delta}, {@code input_json_delta}
 * for a tool call's arguments) and {@code content_block_stop}; then {@code message_delta} with the stop reason and
 * usage and {@code message_stop} once the chat stream ended with {@code [DONE]}. A chat stream that ended with an
 * error event ends with an Anthropic {@code error} event instead, and no {@code message_stop}. One instance per
 * stream, used in the stream's serial order.
 */
final class MessagesStream extends ChatStreamTranslation {

    private enum Block {
        NONE,
        THINKING,
        TEXT,
        TOOL
    }

    private boolean started;
    private Block open = Block.NONE;
    private int index = -1;
    /** The chat tool-call index of the open tool_use block. */
    private int toolIndex = -1;
    private String finishReason = "stop";
    private JsonNode usage = OpenAiFormat.object();

    private MessagesStream() {
    }

    static Multi<Buffer> translate(Multi<Buffer> chat) {
        return ChatStreamTranslation.of(chat, MessagesStream::new);
    }

    @Override
    void chunk(JsonNode chunk, List<Buffer> out) {
        if (!started) {
            started = true;
            emit("message_start", OpenAiFormat.object().set("message", MessagesChat.start(chunk)), out);
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String thinking = MessagesChat.reasoning(delta);
        if (!thinking.isEmpty()) {
            if (open != Block.THINKING) {
                ObjectNode block = OpenAiFormat.object().put("type", "thinking").put("thinking", "")
                        .put("signature", "");
                openBlock(Block.THINKING, block, out);
            }
            delta(OpenAiFormat.object().put("type", "thinking_delta").put("thinking", thinking), out);
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (open != Block.TEXT) {
                openBlock(Block.TEXT, OpenAiFormat.object().put("type", "text").put("text", ""), out);
            }
            delta(OpenAiFormat.object().put("type", "text_delta").put("text", text), out);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int callIndex = call.path("index").asInt(0);
            if (open != Block.TOOL || callIndex != toolIndex) {
                ObjectNode block = OpenAiFormat.object().put("type", "tool_use")
                        .put("id", call.path("id").asText("toolu_" + callIndex))
                        .put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
                openBlock(Block.TOOL, block, out);
                toolIndex = callIndex;
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                delta(OpenAiFormat.object().put("type", "input_json_delta").put("partial_json", arguments), out);
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.path("finish_reason").asText();
        }
    }

    private void openBlock(Block type, ObjectNode block, List<Buffer> out) {
        closeBlock(out);
        open = type;
        index++;
        emit("content_block_start", OpenAiFormat.object().put("index", index).set("content_block", block), out);
    }

    private void closeBlock(List<Buffer> out) {
        if (open != Block.NONE) {
            emit("content_block_stop", OpenAiFormat.object().put("index", index), out);
            open = Block.NONE;
        }
    }

    private void delta(ObjectNode delta, List<Buffer> out) {
        emit("content_block_delta", OpenAiFormat.object().put("index", index).set("delta", delta), out);
    }

    @Override
    void complete(List<Buffer> out) {
        if (!started) {
            started = true;
            emit("message_start", OpenAiFormat.object().set("message", MessagesChat.start(OpenAiFormat.object())),
                    out);
        }
        if (index < 0) {
            // an empty answer is still one (empty) text block
            openBlock(Block.TEXT, OpenAiFormat.object().put("type", "text").put("text", ""), out);
        }
        closeBlock(out);
        ObjectNode delta = OpenAiFormat.object().put("stop_reason", MessagesChat.stopReason(finishReason));
        delta.putNull("stop_sequence");
        ObjectNode data = OpenAiFormat.object().set("delta", delta);
        data.set("usage", MessagesChat.usage(usage));
        emit("message_delta", data, out);
        emit("message_stop", OpenAiFormat.object(), out);
    }

    @Override
    void fail(JsonNode error, List<Buffer> out) {
        out.add(errorEvent(error));
    }

    /** Anthropic's {@code error} event for a chat error ({@code {"message","code",...}}) that ended a stream. */
    static Buffer errorEvent(JsonNode error) {
        String code = error.path("code").asText("");
        // the stream's status is 200 already: the type says what kind of failure it was
        int status = switch (code) {
            case "shutting_down", "overloaded" -> 503;
            case "upstream_timeout", "request_timeout" -> 504;
            default -> 500;
        };
        ObjectNode data = OpenAiFormat.object();
        data.putObject("error").put("type", MessagesChat.errorType(status)).put("message",
                error.path("message").asText("the stream broke"));
        List<Buffer> out = new ArrayList<>(1);
        emit("error", data, out);
        return out.get(0);
    }

    private static void emit(String type, ObjectNode data, List<Buffer> out) {
        ObjectNode event = OpenAiFormat.object().put("type", type);
        event.setAll(data);
        out.add(ChatFrames.event(type, event));
    }
}
