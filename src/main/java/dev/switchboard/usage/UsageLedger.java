package dev.switchboard.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Target;
import dev.switchboard.schema.Usage;

/**
 * Tokens and money per provider and model since start: the one place usage is counted (the admin usage API and the
 * cost meter read it). It is given the usage each adapter read while translating, never re-reads an answer.
 * Thread-safe; recording never blocks.
 */
@ApplicationScoped
public class UsageLedger {

    private final ConcurrentMap<String, Totals> totals = new ConcurrentHashMap<>();
    private final Metrics metrics;

    public UsageLedger(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Running totals of one provider and model. Cost is kept in micro-dollars so additions are exact. */
    public static final class Totals {
        final LongAdder requests = new LongAdder();
        final LongAdder estimated = new LongAdder();
        final LongAdder prompt = new LongAdder();
        final LongAdder completion = new LongAdder();
        final LongAdder costNanoUsd = new LongAdder();
        volatile boolean priced;

        public long requests() {
            return requests.sum();
        }

        public long estimatedRequests() {
            return estimated.sum();
        }

        public long promptTokens() {
            return prompt.sum();
        }

        public long completionTokens() {
            return completion.sum();
        }

        /** USD, exact to the nano-dollar. */
        public BigDecimal costUsd() {
            return BigDecimal.valueOf(costNanoUsd.sum(), 9).stripTrailingZeros();
        }

        public boolean priced() {
            return priced;
        }
    }

    /**
     * Records one answer of {@code target} and returns its cost in USD, or null when the target has no price.
     */
    public BigDecimal record(Target target, Usage usage) {
        Totals t = totals.computeIfAbsent(target.provider() + "/" + target.model(), k -> {
            Totals created = new Totals();
            if (target.price() != null) {
                // priced targets come from the policy, so the model tag stays bounded
                metrics.cost(target.provider(), target.model(), created, c -> c.costUsd().doubleValue());
            }
            return created;
        });
        t.requests.increment();
        if (usage.estimated()) {
            t.estimated.increment();
        }
        t.prompt.add(usage.promptTokens());
        t.completion.add(usage.completionTokens());
        if (target.price() == null) {
            return null;
        }
        t.priced = true;
        BigDecimal cost = cost(target.price(), usage);
        t.costNanoUsd.add(cost.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
        return cost;
    }

    /** USD for {@code usage} at {@code price} (USD per million tokens), exact. */
    static BigDecimal cost(Target.Price price, Usage usage) {
        return BigDecimal.valueOf(price.inputPer1m()).multiply(BigDecimal.valueOf(usage.promptTokens()))
                .add(BigDecimal.valueOf(price.outputPer1m()).multiply(BigDecimal.valueOf(usage.completionTokens())))
                .movePointLeft(6);
    }

    /** Totals by {@code provider/model}. */
    public Map<String, Totals> totals() {
        return Map.copyOf(totals);
    }
}
