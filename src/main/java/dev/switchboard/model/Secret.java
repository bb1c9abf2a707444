package dev.switchboard.model;

/**
 * A credential read from an environment variable or a mounted file. Its {@link #toString()} never shows the value,
 * so it is safe in logs, exceptions and admin output.
 */
public final class Secret {

    private final String value;
    private final String origin;

    public Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /** The secret itself; only for the header that carries it upstream. */
    public String reveal() {
        return value;
    }

    /** Where it came from, e.g. {@code env OPENAI_API_KEY}; safe to show. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "Secret[" + origin + ", redacted]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value) && s.origin.equals(origin);
    }

    @Override
    public int hashCode() {
        return value.hashCode() * 31 + origin.hashCode();
    }
}
