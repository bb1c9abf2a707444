package dev.switchboard.config;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code tenants.<name>.budget:} — what a tenant may spend per period, across every pod: USD (of priced targets)
 * and/or tokens, per calendar {@code minute}, {@code hour}, {@code day} or {@code month} in UTC (default month).
 * {@code warn-at} is a soft limit: past that share of the budget, answers carry a warning.
 */
@RegisterForReflection
public record BudgetConfig(Double usd, Long tokens, String period, Double warnAt) {

    public static final List<String> PERIODS = List.of("minute", "hour", "day", "month");

    public BudgetConfig {
        if (usd == null && tokens == null) {
            throw new ConfigViolation("usd", "set usd and/or tokens");
        }
        if (usd != null && !(usd >= 0)) {
            throw new ConfigViolation("usd", "must be >= 0");
        }
        if (tokens != null && tokens < 0) {
            throw new ConfigViolation("tokens", "must be >= 0");
        }
        period = period != null ? period : "month";
        if (!PERIODS.contains(period)) {
            throw new ConfigViolation("period", "must be one of minute, hour, day, month; got '" + period + "'");
        }
        if (warnAt != null && !(warnAt > 0 && warnAt < 1)) {
            throw new ConfigViolation("warn-at", "must be a share between 0 and 1 (0.8)");
        }
    }
}
