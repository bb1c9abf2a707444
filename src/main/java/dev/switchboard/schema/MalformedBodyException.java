package dev.switchboard.schema;

/**
 * A provider's answer that does not parse: a 200 JSON body cut short or garbled, or a stream event whose data is not
 * the JSON its API promises. It is the provider's failure (the breaker and passive health count it), never a
 * success passed on to the caller.
 */
public final class MalformedBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedBodyException(String message) {
        super(message, null, false, false);
    }
}
