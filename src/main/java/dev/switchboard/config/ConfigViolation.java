package dev.switchboard.config;

/**
 * Thrown by a config record's constructor when a value is invalid. {@code key} is the YAML key at fault, relative to
 * the record (it may hold a deeper relative path such as {@code providers.openai}); the parser prefixes the record's
 * own location so the final message names the full YAML path.
 */
public final class ConfigViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigViolation(String key, String message) {
        super(message, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
