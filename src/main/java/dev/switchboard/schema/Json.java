package dev.switchboard.schema;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration Switchboard writes and reads with: wire bodies, translations and admin answers alike.
 * Durations as ISO text, decimals as plain numbers (0.0000001, not 1E-7). Modules are registered explicitly, since
 * ServiceLoader discovery is not reliable in a native image. Thread-safe once built.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Json() {
    }
}
