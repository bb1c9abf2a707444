package dev.switchboard.config;

import java.time.Duration;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * {@code hedge:} of a route — first-token hedging: when an attempt's first token (a JSON answer: the answer) is later
 * than {@code after}, the next target of the plan is started as well, and the first to answer wins.
 *
 * @param after a duration ({@code 2s}, {@code 800ms}), or a percentile of the target's observed time to first token:
 *        {@code p50}, {@code p90}, {@code p95} or {@code p99}
 * @param maxRate the most requests of the route that may hedge, as a share ({@code 0.1}) or a percentage
 *        ({@code 10%}); default 10%
 */
@RegisterForReflection
public record HedgeConfig(String after, String maxRate) {

    public HedgeConfig {
        Checks.required("after", after);
        if (percentile(after) == 0) {
            duration(after);
        }
        share(maxRate);
    }

    /** The percentile {@code after} names (0.5 for {@code p50}), or 0 when it is a duration. */
    public static double percentile(String after) {
        return switch (after.strip()) {
            case "p50" -> 0.5;
            case "p90" -> 0.9;
            case "p95" -> 0.95;
            case "p99" -> 0.99;
            default -> 0;
        };
    }

    /** {@code after} as a duration, when it is not a percentile. */
    public static Duration duration(String after) {
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(after.strip());
        } catch (RuntimeException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new ConfigViolation("after", "must be a duration above 0 (2s, 800ms) or p50, p90, p95, p99; got '"
                    + after + "'");
        }
        return duration;
    }

    /** {@code max-rate} as a share in (0, 1]; 0.1 when unset. */
    public static double share(String maxRate) {
        if (maxRate == null) {
            return 0.1;
        }
        String text = maxRate.strip();
        double share;
        try {
            share = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).strip()) / 100
                    : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            share = -1;
        }
        if (!(share > 0 && share <= 1)) {
            throw new ConfigViolation("max-rate", "must be a share in (0, 1] or a percentage (10%); got '" + maxRate
                    + "'");
        }
        return share;
    }
}
