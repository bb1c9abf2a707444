package dev.switchboard.schema;

/** The caller's request cannot be routed as sent (HTTP 400); {@code code} is OpenAI-style. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public InvalidRequestException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
