package dev.switchboard.config;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Reads durations the way Quarkus configuration does: {@code 200ms}, {@code 30s}, {@code 2m}, {@code 1h}, a bare
 * number of seconds, or ISO-8601 ({@code PT30S}).
 */
final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationDeserializer() {
        super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT) {
            return (Duration) context.handleUnexpectedToken(Duration.class, parser);
        }
        String text = parser.getText().trim();
        try {
            Duration duration = DurationConverter.parseDuration(text);
            if (duration == null) {
                throw new IllegalArgumentException("empty");
            }
            return duration;
        } catch (RuntimeException e) {
            throw context.weirdStringException(text, Duration.class,
                    "expected a duration such as 500ms, 30s or 2m");
        }
    }
}
