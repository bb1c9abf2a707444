package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.routing.ProxyResponse;
import dev.switchboard.schema.SseEvent;
import dev.switchboard.schema.openai.OpenAiFormat;
import io.vertx.core.buffer.Buffer;

/**
 * Reads the frames of a relayed chat stream (one event per buffer, as the router writes them) and writes the events
 * of the translated schemas. Stateless; thread-safe.
 */
final class ChatFrames {

    private static final String ERROR_PREFIX = "data: {\"error\"";

    private ChatFrames() {
    }

    /** What one relayed frame holds. */
    enum Kind {
        /** A keep-alive comment: passed on as it is. */
        COMMENT,
        /** A chat completion chunk. */
        CHUNK,
        /** {@code [DONE]}: the stream is whole. */
        DONE,
        /** An error event: the stream broke, timed out or was stopped. */
        ERROR
    }

    /** One frame, parsed. */
    record Frame(Kind kind, JsonNode json) {
    }

    static Frame read(Buffer frame) {
        String text = frame.toString(StandardCharsets.UTF_8);
        StringBuilder data = null;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            start = end + 1;
        }
        if (data == null) {
            return new Frame(Kind.COMMENT, null);
        }
        String value = data.toString();
        if (SseEvent.DONE.equals(value.strip())) {
            return new Frame(Kind.DONE, null);
        }
        JsonNode json = OpenAiFormat.readOrNull(value.getBytes(StandardCharsets.UTF_8));
        if (json == null || !json.isObject()) {
            // the relay checks every event; a frame that still does not parse ends the stream as an error
            return new Frame(Kind.ERROR, OpenAiFormat.error("a stream event could not be read", "upstream_error",
                    "upstream_malformed"));
        }
        return new Frame(json.has("error") ? Kind.ERROR : Kind.CHUNK, json);
    }

    /**
     * Whether a frame of a passed-through stream is the OpenAI-shaped error event Switchboard adds when the stream
     * ends early (the provider's own events are in the client's schema and never look like it).
     */
    static boolean isSwitchboardError(Buffer frame) {
        return frame.length() >= ERROR_PREFIX.length()
                && frame.getString(0, ERROR_PREFIX.length(), "UTF-8").equals(ERROR_PREFIX);
    }

    /**
     * A passed-through answer, its frames as they are but for the OpenAI-shaped error event Switchboard adds to a
     * stream that ends early, which {@code error} rewrites into the client schema's own.
     */
    static ProxyResponse rewritingErrors(ProxyResponse served, Function<JsonNode, Buffer> error,
            Consumer<Buffer> passed) {
        if (served.stream() == null) {
            return served;
        }
        return ProxyResponse.streaming(served.status(), served.headers(), served.stream().map(frame -> {
            if (isSwitchboardError(frame)) {
                return error.apply(read(frame).json().path("error"));
            }
            passed.accept(frame);
            return frame;
        }));
    }

    /** A named event, {@code event: <name>} and one data line. */
    static Buffer event(String name, JsonNode data) {
        return Buffer.buffer(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
