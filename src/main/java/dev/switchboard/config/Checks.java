package dev.switchboard.config;

import java.time.Duration;

/** Small value checks shared by the config records; each failure names the offending key. */
final class Checks {

    private Checks() {
    }

    static <T> T required(String key, T value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new ConfigViolation(key, "is required");
        }
        return value;
    }

    static void positive(String key, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new ConfigViolation(key, "must be > 0, got " + value.toMillis() + "ms");
        }
    }

    static void notNegative(String key, Duration value) {
        if (value != null && value.isNegative()) {
            throw new ConfigViolation(key, "must be >= 0");
        }
    }

    static void atLeast(String key, Integer value, int min) {
        if (value != null && value < min) {
            throw new ConfigViolation(key, "must be >= " + min + ", got " + value);
        }
    }

    static void ratio(String key, Double value, boolean zeroAllowed) {
        if (value != null && (value > 1.0 || value < 0.0 || (!zeroAllowed && value == 0.0) || value.isNaN())) {
            throw new ConfigViolation(key, "must be " + (zeroAllowed ? "between 0 and 1" : "> 0 and <= 1") + ", got " + value);
        }
    }
}
