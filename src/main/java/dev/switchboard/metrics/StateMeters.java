package dev.switchboard.metrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The half of {@link Metrics} that reads state instead of counting events: gauges and function counters over what a
 * provider, the shared store, the drain or the policy hold now. Each is registered once (per provider where it has
 * one) and removed when the application stops: the registry Quarkus injects is the process-wide composite, and a meter
 * left there would keep reading a stopped application's state. Thread-safe.
 */
abstract class StateMeters {

    final MeterRegistry registry;
    /** The names (with their provider) registered once. */
    private final Set<String> gauges = ConcurrentHashMap.newKeySet();
    /** Meters that read this application's state; removed at shutdown so none outlives it in a shared registry. */
    private final List<Meter> functions = new CopyOnWriteArrayList<>();

    StateMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** For the CDI client proxy of {@link Metrics} only, which delegates every call and holds no state. */
    StateMeters() {
        this(null);
    }

    /** Publishes a cost total that the usage ledger keeps (a monotonic USD amount). */
    public <T> void cost(String provider, String model, T totals, ToDoubleFunction<T> usd) {
        register(FunctionCounter.builder(Metrics.COST, totals, usd).description("Estimated cost in USD")
                .tags("provider", provider, "model", model).register(registry));
    }

    /** Per-provider gauges, registered once per provider name; they read the provider's current state. */
    public void provider(String provider, Supplier<Number> inFlight, Supplier<Number> breakerState) {
        if (gauges.add(provider)) {
            register(Gauge.builder(Metrics.PROVIDER_IN_FLIGHT, inFlight).description("Requests in flight")
                    .tag("provider", provider).register(registry));
            register(Gauge.builder(Metrics.PROVIDER_BREAKER_STATE, breakerState)
                    .description("Circuit breaker: 0 closed, 1 half-open, 2 open").tag("provider", provider)
                    .register(registry));
        }
    }

    /** The adaptive in-flight limit of a provider with {@code concurrency: adaptive}, registered once per name. */
    public void concurrencyLimit(String provider, Supplier<Number> limit) {
        if (gauges.add(provider + "\u0000limit")) {
            register(Gauge.builder(Metrics.PROVIDER_CONCURRENCY_LIMIT, limit)
                    .description("Adaptive in-flight limit").tag("provider", provider).register(registry));
        }
    }

    /**
     * The rate-limit budget of a provider that admits by its headers, registered once per name: requests and tokens
     * left as its headers last said, less what was sent since (-1: unknown).
     */
    public void rateLimitBudget(String provider, Supplier<Number> requestsLeft, Supplier<Number> tokensLeft) {
        if (gauges.add(provider + "\u0000budget")) {
            register(Gauge.builder(Metrics.PROVIDER_RATELIMIT_REMAINING, requestsLeft)
                    .description("Rate-limit budget left, as the provider reports it")
                    .tags("provider", provider, "kind", "requests").register(registry));
            register(Gauge.builder(Metrics.PROVIDER_RATELIMIT_REMAINING, tokensLeft)
                    .description("Rate-limit budget left, as the provider reports it")
                    .tags("provider", provider, "kind", "tokens").register(registry));
        }
    }

    /** The shared-limits store (Redis): whether it answers, and the requests decided by the fallback meanwhile. */
    public void sharedStore(Supplier<Number> up, AtomicLong fallbacks) {
        if (gauges.add("\u0000store")) {
            register(Gauge.builder(Metrics.LIMITS_STORE_UP, up).description("1 while the shared-limits store (Redis) answers")
                    .register(registry));
            // the counter itself, held by its owner: a function counter keeps only a weak reference to what it reads
            register(FunctionCounter.builder(Metrics.LIMITS_STORE_FALLBACKS, fallbacks, AtomicLong::doubleValue)
                    .description("Limit decisions made by the fallback while the shared store did not answer")
                    .register(registry));
        }
    }

    /** 1 while a failover drill runs on {@code provider}; registered at its first drill. */
    public void drill(String provider, Supplier<Number> active) {
        if (gauges.add(provider + "\u0000drill")) {
            register(Gauge.builder(Metrics.DRILL_ACTIVE, active).description("1 while a failover drill runs on the provider")
                    .tag("provider", provider).register(registry));
        }
    }

    /** Requests in flight on the proxy port. */
    public void inFlight(Supplier<Number> requests) {
        register(Gauge.builder(Metrics.REQUESTS_IN_FLIGHT, requests).description("Requests in flight on the proxy port")
                .register(registry));
    }

    /** 1 while the active policy's file can be read, 0 once it went missing or unreadable. */
    public void policyFileReadable(Supplier<Number> readable) {
        register(Gauge.builder(Metrics.POLICY_FILE_READABLE, readable)
                .description("Whether the active policy's file can be read (0: missing or unreadable)")
                .register(registry));
    }

    /** The active policy's load time, in epoch seconds. */
    public void policyLoaded(Supplier<Number> epochSeconds) {
        register(Gauge.builder(Metrics.POLICY_LOADED, epochSeconds).description("When the active policy was loaded")
                .baseUnit("seconds").register(registry));
    }

    private void register(Meter meter) {
        functions.add(meter);
    }

    /** Removes every state meter from the registry (the application stops). */
    void removeStateMeters() {
        functions.forEach(registry::remove);
        functions.clear();
        gauges.clear();
    }
}
