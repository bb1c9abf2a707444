package dev.switchboard.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). Stateless. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the header asks for (never negative), or null when it is absent or unreadable. */
    public static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli();
                return Duration.ofMillis(Math.max(0, at - clock.millis()));
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }
}
