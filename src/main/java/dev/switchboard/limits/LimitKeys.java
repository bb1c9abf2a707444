package dev.switchboard.limits;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.Tenant;

/**
 * The counters of tenant budgets and provider quotas: fixed windows, calendar-aligned in UTC, one key per window
 * ({@code budget:<tenant>:tokens:<window start>}, {@code quota:<provider>:requests:<window start>}), so a new window
 * starts at zero and an old one expires by itself. Fixed windows, not sliding: one counter per limit, one atomic
 * increment, and a {@code Retry-After} that is simply the window's end; the cost is that a caller may use a whole
 * window's worth on both sides of a boundary.
 */
public final class LimitKeys {

    private LimitKeys() {
    }

    /** The start and end of the {@code period} (minute, hour, day or month) that holds {@code now}, epoch ms. */
    public static long[] window(String period, long now) {
        ZonedDateTime at = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC);
        ZonedDateTime start = switch (period) {
            case "minute" -> at.truncatedTo(ChronoUnit.MINUTES);
            case "hour" -> at.truncatedTo(ChronoUnit.HOURS);
            case "day" -> at.truncatedTo(ChronoUnit.DAYS);
            default -> at.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
        ZonedDateTime end = switch (period) {
            case "minute" -> start.plusMinutes(1);
            case "hour" -> start.plusHours(1);
            case "day" -> start.plusDays(1);
            default -> start.plusMonths(1);
        };
        return new long[] { start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli() };
    }

    /** A tenant's budget counters for a request of about {@code tokens} tokens and {@code microUsd}: tokens, then USD. */
    public static List<Counter> budget(Tenant tenant, long tokens, long microUsd, long now) {
        Tenant.Budget budget = tenant.budget();
        long[] window = window(budget.period(), now);
        List<Counter> counters = new ArrayList<>(2);
        String prefix = "budget:" + tenant.name() + ":";
        if (budget.tokens() >= 0) {
            counters.add(new Counter(prefix + "tokens:" + window[0], tokens, budget.tokens(), window[1]));
        }
        if (budget.microUsd() >= 0) {
            counters.add(new Counter(prefix + "usd:" + window[0], microUsd, budget.microUsd(), window[1]));
        }
        return counters;
    }

    /** A provider's quota counters for one request of about {@code tokens} tokens: requests, then tokens. */
    public static List<Counter> quota(ProviderSpec spec, long tokens, long now) {
        ProviderSpec.Quota quota = spec.quota();
        long[] window = window("minute", now);
        List<Counter> counters = new ArrayList<>(2);
        String prefix = "quota:" + spec.name() + ":";
        if (quota.requests() >= 0) {
            counters.add(new Counter(prefix + "requests:" + window[0], 1, quota.requests(), window[1]));
        }
        if (quota.tokens() >= 0) {
            counters.add(new Counter(prefix + "tokens:" + window[0], tokens, quota.tokens(), window[1]));
        }
        return counters;
    }
}
