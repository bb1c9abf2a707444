package dev.switchboard.schema;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event, or a comment (a keep-alive). {@code data} holds the event's data lines joined by '\n'.
 *
 * @param name the {@code event:} field, or null
 * @param data the data, or null for a comment
 * @param comment the comment text, or null for an event
 */
public record SseEvent(String name, String data, String comment) {

    public static final String DONE = "[DONE]";

    public static SseEvent data(String data) {
        return new SseEvent(null, data, null);
    }

    public static SseEvent comment(String text) {
        return new SseEvent(null, null, text);
    }

    public boolean isComment() {
        return data == null;
    }

    /** OpenAI's end-of-stream marker {@code data: [DONE]}. */
    public boolean isDone() {
        return DONE.equals(data);
    }

    /** An error event such as {@code data: {"error":{...}}}. */
    public boolean isError() {
        return data != null && data.startsWith("{\"error\"");
    }

    /**
     * The first {@code "model"} string of the data, or null: the answering model of a stream's first event (an OpenAI
     * chunk, an Anthropic {@code message_start}, a Responses {@code response.created}). A scan, not a parse: the
     * first event is small, and this runs once per stream.
     */
    public String model() {
        if (data == null) {
            return null;
        }
        int key = data.indexOf("\"model\"");
        if (key < 0) {
            return null;
        }
        int i = key + 7;
        while (i < data.length() && (data.charAt(i) == ' ' || data.charAt(i) == ':')) {
            i++;
        }
        int end = i < data.length() && data.charAt(i) == '"' ? data.indexOf('"', i + 1) : -1;
        return end > i + 1 && end - i <= 257 ? data.substring(i + 1, end) : null;
    }

    /** The event in SSE wire format, ending with the blank line that dispatches it. */
    public Buffer frame() {
        StringBuilder out = new StringBuilder((data != null ? data.length() : 0) + 16);
        if (data == null) {
            out.append(':');
            if (comment != null && !comment.isEmpty()) {
                out.append(' ').append(comment);
            }
            out.append('\n');
        } else {
            if (name != null) {
                out.append("event: ").append(name).append('\n');
            }
            int start = 0;
            int newline;
            while ((newline = data.indexOf('\n', start)) >= 0) {
                out.append("data: ").append(data, start, newline).append('\n');
                start = newline + 1;
            }
            out.append("data: ").append(data, start, data.length()).append('\n');
        }
        out.append('\n');
        return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
