package dev.switchboard.schema.openai;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** OpenAI's error envelope: {@code {"error":{"message","type","code"}}}. */
@RegisterForReflection
public record ErrorResponse(Detail error) {

    /** The error itself; {@code code} is a stable machine-readable word. */
    @RegisterForReflection
    public record Detail(String message, String type, String code) {
    }

    public static ErrorResponse of(String message, String type, String code) {
        return new ErrorResponse(new Detail(message, type, code));
    }
}
