package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Provider wire-format recordings kept under {@code src/test/resources/fixtures/}. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream("fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of an SSE fixture (name and data), in order. */
    public static java.util.List<dev.switchboard.schema.SseEvent> sseEvents(String name) {
        java.util.List<dev.switchboard.schema.SseEvent> events = new java.util.ArrayList<>();
        for (String block : java.util.regex.Pattern.compile("\n\n").splitAsStream(text(name).replace("\r\n", "\n"))
                .toList()) {
            String event = null;
            StringBuilder data = null;
            for (String line : block.lines().toList()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            if (data != null) {
                events.add(new dev.switchboard.schema.SseEvent(event, data.toString(), null));
            }
        }
        return events;
    }

    /** The {@code data:} payloads of an SSE fixture, in order. */
    public static java.util.List<String> sseData(String name) {
        return text(name).lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }
}
