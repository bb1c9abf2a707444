package dev.switchboard.routing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.switchboard.limits.Counter;
import dev.switchboard.limits.LimitKeys;
import dev.switchboard.limits.SharedLimits;
import dev.switchboard.limits.Taken;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.model.Target;
import dev.switchboard.model.Tenant;
import dev.switchboard.resilience.ProviderState;
import dev.switchboard.schema.Usage;
import io.smallrye.mutiny.Uni;

/**
 * One request's shared limits: its tenant's budget (taken once, with the first target that is tried) and the quota of
 * each provider it tries, checked before the attempt in one store round trip, with the request's estimate (its prompt
 * and {@code max_tokens}; the first target's price for USD). After the answer the estimate is corrected to the real
 * usage; a request that got no answer gives its tokens back (a provider's request count stays: the request was sent).
 * Used by one request's attempt loop, never concurrently.
 */
final class LimitCheck {

    /** What a check decided. */
    enum Verdict {
        /** The target may be tried. */
        GO,
        /** The provider's quota is spent: the next target. */
        QUOTA,
        /** The tenant's budget is spent: the request is answered 429. */
        BUDGET
    }

    static final String WARNING_HEADER = "x-switchboard-budget-warning";
    private static final Logger LOGGER = Logger.getLogger(LimitCheck.class);

    private final SharedLimits limits;
    private final RoutingTable.SharedLimits settings;
    private final Tenant tenant;
    /** The request's tenant's name, or {@code -} for none. */
    private final String tenantName;
    private final Metrics metrics;
    private final long tokens;
    private final int promptTokens;
    private final int maxTokens;
    /** The tenant's counters as taken (with the estimate), or null while not taken. */
    private List<Counter> budget;
    /** Token counters of provider quotas taken, by provider. */
    private final List<Counter> quotaTokens = new ArrayList<>(2);
    private final List<String> quotaProviders = new ArrayList<>(2);
    private String warning;
    private long budgetEnd;
    private boolean settled;

    LimitCheck(SharedLimits limits, RoutingTable.SharedLimits settings, Tenant tenant, Metrics metrics,
            int promptTokens, int maxTokens) {
        this.limits = limits;
        this.settings = settings;
        this.tenant = tenant != null && tenant.budget() != null ? tenant : null;
        this.tenantName = tenant != null ? tenant.name() : "-";
        this.metrics = metrics;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.tokens = (long) promptTokens + maxTokens;
    }

    /** Whether any shared limit can apply to {@code spec}'s attempts of this request. */
    boolean applies(ProviderSpec spec) {
        return (tenant != null && budget == null) || spec.quota() != null;
    }

    /** Takes the tenant's budget (the first time) and {@code target}'s provider quota, together. */
    Uni<Verdict> check(Target target, ProviderSpec spec) {
        long now = System.currentTimeMillis();
        List<Counter> counters = new ArrayList<>(4);
        // the request's own estimate, or what the tenant's answers use on average, whichever is more
        long expected = tenant != null ? Math.max(tokens, limits.memory().expected(tenant.name())) : tokens;
        List<Counter> tenantCounters = tenant != null && budget == null
                ? LimitKeys.budget(tenant, expected, microUsd(target, expected), now)
                : List.of();
        counters.addAll(tenantCounters);
        List<Counter> quota = spec.quota() != null ? LimitKeys.quota(spec, tokens, now) : List.of();
        counters.addAll(quota);
        return limits.take(counters, settings).map(taken -> {
            if (!taken.ok()) {
                boolean tenantRefused = taken.refused() < tenantCounters.size();
                if (tenantRefused) {
                    budgetEnd = LimitKeys.window(tenant.budget().period(), now)[1];
                    metrics.limitRefused("budget", tenant.name());
                    return Verdict.BUDGET;
                }
                metrics.limitRefused("quota", spec.name());
                LOGGER.debugf("provider '%s': its shared quota is spent; the next target", spec.name());
                return Verdict.QUOTA;
            }
            if (!tenantCounters.isEmpty()) {
                budget = tenantCounters;
                warn(taken);
            }
            for (Counter counter : quota) {
                if (counter.key().contains(":tokens:")) {
                    quotaTokens.add(counter);
                    quotaProviders.add(spec.name());
                }
            }
            return Verdict.GO;
        });
    }

    /**
     * A hedge's attempt goes out without a check (it must not wait on the store): it is counted against its provider's
     * quota all the same.
     */
    void count(ProviderSpec spec) {
        if (spec.quota() == null) {
            return;
        }
        List<Counter> quota = LimitKeys.quota(spec, tokens, System.currentTimeMillis());
        limits.add(quota);
        for (Counter counter : quota) {
            if (counter.key().contains(":tokens:")) {
                quotaTokens.add(counter);
                quotaProviders.add(spec.name());
            }
        }
    }

    /** USD of {@code expected} tokens at the target's price: the prompt's, and the rest as output. */
    private long microUsd(Target target, long expected) {
        int output = (int) Math.min(Integer.MAX_VALUE, Math.max(maxTokens, expected - promptTokens));
        return target.price() == null ? 0 : Math.round(target.price().estimate(promptTokens, output) * 1_000_000);
    }

    private void warn(Taken taken) {
        double warnAt = tenant.budget().warnAt();
        if (warnAt <= 0) {
            return;
        }
        for (int i = 0; i < budget.size(); i++) {
            Counter counter = budget.get(i);
            long total = taken.total(i);
            if (total >= 0 && counter.limit() > 0 && total >= warnAt * counter.limit()) {
                String what = counter.key().contains(":usd:") ? "usd" : "tokens";
                warning = String.format(Locale.ROOT, "%s %d%% of the %s budget of tenant %s", what,
                        Math.min(100, Math.round(100.0 * total / counter.limit())), tenant.budget().period(),
                        tenant.name());
                metrics.budgetWarning(tenant.name());
                if (limits.memory().firstWarning(counter)) {
                    LOGGER.warnf("Tenant '%s' passed %d%% of its %s budget (%s)", tenant.name(), Math.round(warnAt * 100),
                            tenant.budget().period(), warning);
                }
                return;
            }
        }
    }

    /**
     * The answer's usage: the estimate is corrected to it; {@code provider} answered, with {@code model} (its metrics
     * tag: {@code (pinned)} for a caller-chosen one, so the cluster's usage keeps bounded keys).
     */
    void answered(String provider, String model, Usage used, BigDecimal cost) {
        if (settled) {
            return;
        }
        settled = true;
        if (tenant != null) {
            limits.memory().learn(tenant.name(), used.totalTokens());
        }
        limits.usage(tenantName, provider, model, used.promptTokens(), used.completionTokens(),
                cost == null ? -1 : cost.movePointRight(6).longValue());
        List<Counter> corrections = new ArrayList<>(4);
        if (budget != null) {
            for (Counter counter : budget) {
                long real = counter.key().contains(":usd:")
                        ? cost == null ? 0 : cost.movePointRight(6).longValue()
                        : used.totalTokens();
                corrections.add(new Counter(counter.key(), real - counter.amount(), -1, counter.windowEnd()));
            }
        }
        for (int i = 0; i < quotaTokens.size(); i++) {
            Counter counter = quotaTokens.get(i);
            long real = quotaProviders.get(i).equals(provider) ? used.totalTokens() : 0;
            corrections.add(new Counter(counter.key(), real - counter.amount(), -1, counter.windowEnd()));
        }
        limits.add(corrections);
    }

    /**
     * A provider that reports its own budget in headers ({@code rate-limit.admission}) corrects the shared count of its
     * quota: what its key has used is at least the quota less what it says is left.
     */
    void reported(ProviderState state) {
        ProviderSpec spec = state.spec();
        if (spec.quota() == null || !spec.rateLimit().admits()) {
            return;
        }
        List<Counter> raised = new ArrayList<>(2);
        for (Counter counter : LimitKeys.quota(spec, 0, System.currentTimeMillis())) {
            long left = counter.key().contains(":requests:") ? state.budget().requestsLeft() : state.budget().tokensLeft();
            if (left >= 0 && left < counter.limit()) {
                raised.add(new Counter(counter.key(), counter.limit() - left, -1, counter.windowEnd()));
            }
        }
        limits.raise(raised);
    }

    /** No answer: every estimated token goes back. */
    void unanswered() {
        if (settled) {
            return;
        }
        settled = true;
        List<Counter> refunds = new ArrayList<>(4);
        if (budget != null) {
            budget.forEach(c -> refunds.add(new Counter(c.key(), -c.amount(), -1, c.windowEnd())));
        }
        quotaTokens.forEach(c -> refunds.add(new Counter(c.key(), -c.amount(), -1, c.windowEnd())));
        limits.add(refunds);
    }

    /** Adds the soft-limit warning, when there is one, to {@code headers}; returns them. */
    Map<String, List<String>> on(Map<String, List<String>> headers) {
        if (warning != null) {
            headers.put(WARNING_HEADER, List.of(warning));
        }
        return headers;
    }

    /** The 429 of a spent budget: {@code Retry-After} to the end of its period. */
    ProxyResponse budgetExceeded(Map<String, List<String>> headers) {
        long seconds = Math.max(1, (budgetEnd - System.currentTimeMillis() + 999) / 1_000);
        headers.put("Retry-After", List.of(Long.toString(seconds)));
        String message = "Tenant '" + tenant.name() + "' has spent its " + tenant.budget().period()
                + " budget; it renews in " + seconds + "s.";
        LOGGER.infof("%s", message);
        return ProxyResponse.error(429, message, "rate_limit_error", "budget_exceeded", headers);
    }
}
