package dev.switchboard.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.schema.SseEvent;

/** Events are assembled by the event-stream rules, and framed back the same way. */
class SseLineParserTest {

    private static List<SseEvent> parse(String text) {
        SseLineParser parser = new SseLineParser();
        List<SseEvent> events = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            events.addAll(parser.line(line));
        }
        return events;
    }

    @Test
    void assemblesDataLinesUntilABlankLine() {
        List<SseEvent> events = parse("data: {\"a\":1}\n\ndata:two\ndata: lines\n\ndata: [DONE]\n\n");

        assertThat(events).extracting(SseEvent::data).containsExactly("{\"a\":1}", "two\nlines", "[DONE]");
        assertThat(events.get(2).isDone()).isTrue();
    }

    @Test
    void handlesCrLfEventNamesIdsAndComments() {
        List<SseEvent> events = parse(": keep-alive\r\nid: 7\r\nevent: message_start\r\ndata: {}\r\n\r\n");

        assertThat(events).hasSize(2);
        assertThat(events.get(0).isComment()).isTrue();
        assertThat(events.get(0).comment()).isEqualTo("keep-alive");
        assertThat(events.get(1).name()).isEqualTo("message_start");
        assertThat(events.get(1).data()).isEqualTo("{}");
    }

    @Test
    void ignoresBlankLinesWithoutData() {
        assertThat(parse("\n\nretry: 100\n\n")).isEmpty();
    }

    @Test
    void framesEventsBackToTheWireFormat() {
        assertThat(SseEvent.data("a\nb").frame().toString()).isEqualTo("data: a\ndata: b\n\n");
        assertThat(new SseEvent("ping", "{}", null).frame().toString()).isEqualTo("event: ping\ndata: {}\n\n");
        assertThat(SseEvent.comment("").frame().toString()).isEqualTo(":\n\n");
        assertThat(SseEvent.data("{\"error\":{}}").isError()).isTrue();
    }
}
