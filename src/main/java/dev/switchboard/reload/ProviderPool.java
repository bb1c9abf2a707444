package dev.switchboard.reload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.switchboard.model.ProviderSpec;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.resilience.ProviderState;
import io.vertx.mutiny.core.Vertx;

/**
 * The live provider adapters across policy versions: an unchanged provider keeps its adapter (and so its connection
 * pool), a new or changed one gets a fresh adapter, and one that left the policy is closed once the requests it
 * still serves have ended (at most {@value #RETIRE_MINUTES} minutes later). Used by one reload at a time.
 */
final class ProviderPool {

    static final long RETIRE_MINUTES = 15;
    private static final Logger LOGGER = Logger.getLogger(ProviderPool.class);

    private final Vertx vertx;
    private final ProviderFactory factory;
    private final Map<String, Provider> live = new LinkedHashMap<>();

    ProviderPool(Vertx vertx) {
        this.vertx = vertx;
        this.factory = new ProviderFactory(vertx);
    }

    /**
     * The adapters a table needs: the live one where its spec is equal, a new one otherwise, whose answers' rate-limit
     * headers feed its provider state's budget when the provider admits by them. Changes nothing live. An adapter is
     * kept exactly when its state is (both on an equal spec), so a kept adapter already feeds the kept budget.
     */
    Map<String, Provider> adaptersFor(RoutingTable table, Map<String, ProviderState> states) {
        Map<String, Provider> next = new LinkedHashMap<>();
        for (ProviderSpec spec : table.providers().values()) {
            Provider existing = live.get(spec.name());
            next.put(spec.name(), existing != null && existing.spec().equals(spec) ? existing
                    : factory.create(spec, spec.rateLimit().admits() ? states.get(spec.name()).budget() : null));
        }
        return next;
    }

    /**
     * Makes {@code next} the live adapters; every adapter it does not keep is retired after its requests drain.
     *
     * @param oldStates the previous policy's provider states (their in-flight counts tell when a retiree is idle)
     */
    void commit(Map<String, Provider> next, Map<String, ProviderState> oldStates) {
        List<Provider> retired = new ArrayList<>();
        live.forEach((name, provider) -> {
            if (next.get(name) != provider) {
                retired.add(provider);
            }
        });
        live.clear();
        live.putAll(next);
        retired.forEach(provider -> retire(provider, oldStates.get(provider.spec().name())));
    }

    /** Closes the adapters of a build that was not applied, except those that are live. */
    void discard(Map<String, Provider> unused) {
        unused.forEach((name, provider) -> {
            if (live.get(name) != provider) {
                provider.close();
            }
        });
    }

    void closeAll() {
        live.values().forEach(Provider::close);
        live.clear();
    }

    private void retire(Provider provider, ProviderState oldState) {
        long deadline = System.nanoTime() + Duration.ofMinutes(RETIRE_MINUTES).toNanos();
        vertx.setPeriodic(1000, id -> {
            if (oldState == null || oldState.health().snapshot().inFlight() <= 0 || System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                provider.close();
                LOGGER.debugf("closed provider '%s' of a previous policy version", provider.spec().name());
            }
        });
    }
}
