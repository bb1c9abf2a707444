package dev.switchboard.upstream;

import java.util.List;

import dev.switchboard.schema.SseEvent;

/**
 * Assembles server-sent events from lines (WHATWG event-stream rules): {@code data:} lines accumulate until a blank
 * line dispatches the event; {@code :} lines are comments (keep-alives), emitted at once; {@code id:}, {@code retry:}
 * and unknown fields are ignored. One instance per stream; not thread-safe (a stream delivers lines in order).
 */
final class SseLineParser {

    private StringBuilder data;
    private String name;

    /** Feeds one line without its '\n'; returns the events it completes (usually none or one). */
    List<SseEvent> line(String line) {
        if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return List.of(SseEvent.comment(line.substring(1).strip()));
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (!value.isEmpty() && value.charAt(0) == ' ') {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if (field.equals("event")) {
            name = value;
        }
        return List.of();
    }

    private List<SseEvent> dispatch() {
        if (data == null) {
            name = null;
            return List.of();
        }
        SseEvent event = new SseEvent(name, data.toString(), null);
        data = null;
        name = null;
        return List.of(event);
    }
}
