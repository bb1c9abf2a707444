package dev.switchboard.limits;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.smallrye.mutiny.Uni;

/**
 * The cluster's usage per tenant, provider and model this month, in one Redis hash per month
 * ({@code usage:<month start>}, fields {@code tenant|provider|model|requests}, {@code …|prompt_tokens},
 * {@code …|completion_tokens}, {@code …|cost_micro_usd}): gathered in the pod and added to Redis by {@link #flush()}
 * once a second, never on the request path. Thread-safe.
 */
final class ClusterUsage {

    /** A month's hash is kept this long past the month's end, for the admin API's view of the last one. */
    private static final long KEPT_MS = 31L * 24 * 3_600_000;

    private final RedisStore redis;
    /** Usage not yet added to Redis, by field. */
    private final Map<String, LongAdder> unsent = new ConcurrentHashMap<>();

    ClusterUsage(RedisStore redis) {
        this.redis = redis;
    }

    /** One answer's usage; {@code microUsd} is -1 for an unpriced target. */
    void add(String tenant, String provider, String model, long prompt, long completion, long microUsd) {
        String prefix = tenant + "|" + provider + "|" + model + "|";
        add(prefix + "requests", 1);
        add(prefix + "prompt_tokens", prompt);
        add(prefix + "completion_tokens", completion);
        if (microUsd >= 0) {
            add(prefix + "cost_micro_usd", microUsd);
        }
    }

    private void add(String field, long amount) {
        unsent.computeIfAbsent(field, f -> new LongAdder()).add(amount);
    }

    /** This month's fields and totals. */
    Uni<Map<String, Long>> read() {
        long[] month = LimitKeys.window("month", System.currentTimeMillis());
        return redis.usage("usage:" + month[0]).ifNoItem().after(Duration.ofSeconds(2)).fail();
    }

    /** Adds what was gathered since the last flush to Redis; on failure it is kept for the next one. */
    void flush() {
        Map<String, Long> amounts = new HashMap<>();
        unsent.forEach((field, adder) -> {
            long amount = adder.sumThenReset();
            if (amount != 0) {
                amounts.put(field, amount);
            }
        });
        if (amounts.isEmpty()) {
            return;
        }
        long[] month = LimitKeys.window("month", System.currentTimeMillis());
        redis.usage("usage:" + month[0], amounts, month[1] + KEPT_MS).ifNoItem().after(Duration.ofSeconds(2)).fail()
                .subscribe().with(ok -> {
                }, failure -> amounts.forEach(this::add));
    }
}
