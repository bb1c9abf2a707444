package dev.switchboard.routing;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Target;

/**
 * Tokens and money per provider and model since start: the one place usage is counted (the admin usage API reads it,
 * and the metrics will). Thread-safe; recording never blocks.
 */
@ApplicationScoped
public class UsageLedger {

    private static final JsonFactory JSON = new JsonFactory();

    private final ConcurrentMap<String, Totals> totals = new ConcurrentHashMap<>();
    private final Metrics metrics;

    public UsageLedger(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Token counts of one answer; {@code estimated} when the provider reported none. */
    public record Usage(long promptTokens, long completionTokens, boolean estimated) {
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

    /**
     * The {@code usage} object of an OpenAI-format body or chunk, read with a streaming parser that skips everything
     * else; null when there is none.
     */
    public static Usage scan(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    long prompt = -1;
                    long completion = 0;
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken token = parser.nextToken();
                        if ("prompt_tokens".equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                            prompt = parser.getLongValue();
                        } else if ("completion_tokens".equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                            completion = parser.getLongValue();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    return prompt < 0 ? null : new Usage(prompt, completion, false);
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
