package dev.switchboard.config;

import java.time.Duration;
import java.util.Set;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * A fault to inject into a provider's answers: a failover drill's (admin API) or a mock provider's ({@code mock.fault}).
 *
 * @param kind {@code status} (an error answer with {@code status}), {@code hang} (no answer: the provider's
 *        first-token-timeout decides), {@code reset} (the connection breaks before the answer),
 *        {@code slow-first-token} (the answer starts {@code delay} late), {@code cut-stream} (a stream breaks after
 *        {@code after-events} events; a JSON answer breaks before it is whole)
 * @param status the status of {@code kind: status}, 400..599 (default 503)
 * @param delay the lateness of {@code kind: slow-first-token} (default 5s)
 * @param afterEvents the events a cut stream delivers first (default 3)
 */
@RegisterForReflection
public record FaultConfig(String kind, Integer status, Duration delay, Integer afterEvents) {

    public static final Set<String> KINDS = Set.of("status", "hang", "reset", "slow-first-token", "cut-stream");

    public FaultConfig {
        Checks.required("kind", kind);
        if (!KINDS.contains(kind)) {
            throw new ConfigViolation("kind", "must be one of status, hang, reset, slow-first-token, cut-stream; got '"
                    + kind + "'");
        }
        if (status != null && (status < 400 || status > 599)) {
            throw new ConfigViolation("status", "must be an HTTP error status (400-599), got " + status);
        }
        status = status != null ? status : 503;
        Checks.notNegative("delay", delay);
        delay = delay != null ? delay : Duration.ofSeconds(5);
        Checks.atLeast("after-events", afterEvents, 0);
        afterEvents = afterEvents != null ? afterEvents : 3;
    }

    /**
     * A fault from the fields of an API request body ({@code delay} as in the policy: {@code 500ms}, {@code 2s}).
     *
     * @throws IllegalArgumentException naming the field, when one is invalid
     */
    public static FaultConfig of(String kind, Integer status, String delay, Integer afterEvents) {
        Duration parsedDelay = null;
        if (delay != null) {
            try {
                parsedDelay = DurationConverter.parseDuration(delay.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("fault.delay: expected a duration such as 500ms, 30s or 2m, got '"
                        + delay + "'");
            }
        }
        try {
            return new FaultConfig(kind, status, parsedDelay, afterEvents);
        } catch (ConfigViolation e) {
            throw new IllegalArgumentException("fault." + e.key() + ": " + e.getMessage());
        }
    }

    /** A few words for logs and reports: {@code status 503}, {@code cut-stream after 3 events}. */
    public String describe() {
        return switch (kind) {
            case "status" -> "status " + status;
            case "slow-first-token" -> "slow-first-token " + delay.toMillis() + "ms";
            case "cut-stream" -> "cut-stream after " + afterEvents + " events";
            default -> kind;
        };
    }
}
